import type { SqliteDatabase } from '../platform/sqlite';
import type { WitnessRepository } from './witness-repository';
import type { Cosignature, Witness } from './witness-schema';

/** Witnesses and their cosignatures in the registry's SQLite file (tables audit_witnesses, audit_cosignatures). */
export function createSqliteWitnessRepository(db: SqliteDatabase): WitnessRepository {
  const insert = db.prepare<[string, string]>(
    'INSERT OR IGNORE INTO audit_witnesses (name, doc) VALUES (?, ?)',
  );
  const byName = db.prepare<[string], { doc: string }>('SELECT doc FROM audit_witnesses WHERE name = ?');
  const all = db.prepare<[], { doc: string }>('SELECT doc FROM audit_witnesses ORDER BY name');
  const del = db.prepare<[string]>('DELETE FROM audit_witnesses WHERE name = ?');
  const delCosignature = db.prepare<[string]>('DELETE FROM audit_cosignatures WHERE witness = ?');
  // Kept only when the witness exists and the cosignature is newer than the one kept.
  const upsert = db.prepare<[{ witness: string; size: number; root: string; doc: string }]>(
    `INSERT INTO audit_cosignatures (witness, size, root_hash, doc)
       SELECT @witness, @size, @root, @doc WHERE EXISTS (SELECT 1 FROM audit_witnesses WHERE name = @witness)
     ON CONFLICT (witness) DO UPDATE SET size = excluded.size, root_hash = excluded.root_hash, doc = excluded.doc
       WHERE excluded.size > audit_cosignatures.size
          OR (excluded.size = audit_cosignatures.size
              AND json_extract(excluded.doc, '$.timestamp') > json_extract(audit_cosignatures.doc, '$.timestamp'))`,
  );
  const ofCheckpoint = db.prepare<[number, string], { doc: string }>(
    'SELECT doc FROM audit_cosignatures WHERE size = ? AND root_hash = ? ORDER BY witness',
  );
  const latest = db.prepare<[], { doc: string }>('SELECT doc FROM audit_cosignatures ORDER BY witness');
  const parse = <T>(row: { doc: string }) => JSON.parse(row.doc) as T;
  const removeTx = db.transaction((name: string) => {
    delCosignature.run(name);
    return del.run(name).changes > 0;
  });

  return {
    async add(witness) {
      return insert.run(witness.name, JSON.stringify(witness)).changes > 0;
    },
    async get(name) {
      const row = byName.get(name);
      return row ? parse<Witness>(row) : undefined;
    },
    async list() {
      return all.all().map((row) => parse<Witness>(row));
    },
    async remove(name) {
      return removeTx(name);
    },
    async saveCosignature(c) {
      const doc: Cosignature = {
        witness: c.witness,
        size: c.size,
        rootHash: c.rootHash,
        timestamp: c.timestamp,
        signature: c.signature,
        receivedAt: c.receivedAt,
      };
      return (
        upsert.run({ witness: c.witness, size: c.size, root: c.rootHash, doc: JSON.stringify(doc) }).changes >
        0
      );
    },
    async cosignaturesOf(size, rootHash) {
      return ofCheckpoint.all(size, rootHash).map((row) => parse<Cosignature>(row));
    },
    async latestCosignatures() {
      return latest.all().map((row) => parse<Cosignature>(row));
    },
  };
}
