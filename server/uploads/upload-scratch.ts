import Database from 'better-sqlite3';

/**
 * The working memory of one upload, on disk rather than in the heap, so that a file of a million rows
 * costs the same memory as one of a thousand: the certificate numbers seen so far (duplicates inside one
 * file) and, for atomic uploads, the checked rows waiting until the whole file is known to be valid.
 *
 * It is an anonymous SQLite database (`new Database('')`): SQLite creates it in its temp directory
 * (SQLITE_TMPDIR, else /var/tmp or /tmp) and unlinks it at once, so it disappears when closed and also
 * when the process dies, with nothing to clean up after a crash. Its page cache is bounded (CACHE_KIB);
 * beyond that, pages go to the file.
 */
export interface UploadScratch {
  /**
   * Claims each number for its row, in order. Returns, per input position, the row that claimed the
   * number earlier in this file, or undefined when this row is the first to carry it.
   */
  claim(items: readonly { number: string; row: number }[]): (number | undefined)[];
  /** Keeps checked rows (as JSON text), in order, for `spooled`. */
  spool(rows: readonly string[]): void;
  /** How many rows are spooled. */
  spooledCount(): number;
  /** The spooled rows (JSON text) in the order spooled, `batchSize` at a time. */
  spooled(batchSize: number): Generator<string[]>;
  /** Releases the database (and with it its file). */
  close(): void;
}

/** Page cache of the scratch database, KiB. */
const CACHE_KIB = 8 * 1024;

export function openUploadScratch(): UploadScratch {
  const db = new Database('');
  // Nothing here outlives the upload: no journal, no syncs.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma(`cache_size = -${CACHE_KIB}`);
  db.exec(`
    CREATE TABLE seen (number TEXT PRIMARY KEY, row INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE spool (seq INTEGER PRIMARY KEY, doc TEXT NOT NULL);
  `);
  const insertSeen = db.prepare<[string, number]>(
    'INSERT INTO seen (number, row) VALUES (?, ?) ON CONFLICT (number) DO NOTHING',
  );
  const seenRow = db.prepare<[string], { row: number }>('SELECT row FROM seen WHERE number = ?');
  const insertSpool = db.prepare<[string]>('INSERT INTO spool (doc) VALUES (?)');
  const countSpool = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM spool');
  const spoolPage = db.prepare<[number, number], { seq: number; doc: string }>(
    'SELECT seq, doc FROM spool WHERE seq > ? ORDER BY seq LIMIT ?',
  );

  const claimAll = db.transaction((items: readonly { number: string; row: number }[]) =>
    items.map(({ number, row }) =>
      insertSeen.run(number, row).changes === 1 ? undefined : seenRow.get(number)?.row,
    ),
  );
  const spoolAll = db.transaction((rows: readonly string[]) => {
    for (const row of rows) insertSpool.run(row);
  });

  return {
    claim: (items) => (items.length === 0 ? [] : claimAll(items)),
    spool(rows) {
      if (rows.length > 0) spoolAll(rows);
    },
    spooledCount: () => (countSpool.get() as { n: number }).n,
    *spooled(batchSize) {
      let after = 0;
      for (;;) {
        const page = spoolPage.all(after, batchSize);
        if (page.length === 0) return;
        yield page.map((r) => r.doc);
        after = (page[page.length - 1] as { seq: number }).seq;
      }
    },
    close() {
      if (db.open) db.close();
    },
  };
}
