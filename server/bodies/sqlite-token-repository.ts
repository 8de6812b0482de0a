import type { SqliteDatabase } from '../platform/sqlite';
import { storedTokenSchema, type ApiToken } from './token-schema';
import type { TokenRepository } from './token-repository';

interface TokenRow {
  doc: string;
  inspector_id: string | null;
}

const COLUMNS = 'doc, inspector_id';

/**
 * API tokens in the registry file (table `tokens`: id, body, creation time and the token as JSON). The
 * inspector a token belongs to is the column `inspector_id`, not part of `doc`: NULL on tokens issued
 * before the column came, which then read back without a link.
 */
export function createSqliteTokenRepository(db: SqliteDatabase): TokenRepository {
  const insert = db.prepare<[string, string | null, string | null, string, string]>(
    'INSERT INTO tokens (id, body_code, inspector_id, created_at, doc) VALUES (?, ?, ?, ?, ?)',
  );
  const byId = db.prepare<[string], TokenRow>(`SELECT ${COLUMNS} FROM tokens WHERE id = ?`);
  // rowid breaks ties between tokens created in the same millisecond: the later insert is the newer.
  const all = db.prepare<[], TokenRow>(`SELECT ${COLUMNS} FROM tokens ORDER BY created_at DESC, rowid DESC`);
  const ofBody = db.prepare<[string], TokenRow>(
    `SELECT ${COLUMNS} FROM tokens WHERE body_code = ? ORDER BY created_at DESC, rowid DESC`,
  );
  // Only a token not yet revoked is touched, so revoking twice keeps the first time.
  const revoke = db.prepare<[string, string]>(
    "UPDATE tokens SET doc = json_set(doc, '$.revokedAt', ?) WHERE id = ? AND json_extract(doc, '$.revokedAt') IS NULL",
  );
  const countAll = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM tokens');
  const parse = (row: TokenRow): ApiToken =>
    storedTokenSchema.parse({
      ...(JSON.parse(row.doc) as object),
      ...(row.inspector_id === null ? {} : { inspectorId: row.inspector_id }),
    });

  return {
    async create(token) {
      const { inspectorId, ...doc } = token;
      insert.run(token.id, token.bodyCode ?? null, inspectorId ?? null, token.createdAt, JSON.stringify(doc));
      return token;
    },
    async findById(id) {
      const row = byId.get(id);
      return row ? parse(row) : undefined;
    },
    async list(filter) {
      const rows = filter.bodyCode === undefined ? all.all() : ofBody.all(filter.bodyCode);
      return rows.map(parse);
    },
    async revoke(id, at) {
      return db.transaction(() => {
        revoke.run(at, id);
        const row = byId.get(id);
        return row ? parse(row) : undefined;
      })();
    },
    async count() {
      return (countAll.get() as { n: number }).n;
    },
  };
}
