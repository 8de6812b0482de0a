import type { SqliteDatabase } from '../platform/sqlite';
import { storedTokenSchema, type ApiToken } from './token-schema';
import type { TokenRepository } from './token-repository';

/** API tokens in the registry file (table `tokens`: id, body, creation time and the token as JSON). */
export function createSqliteTokenRepository(db: SqliteDatabase): TokenRepository {
  const insert = db.prepare<[string, string | null, string, string]>(
    'INSERT INTO tokens (id, body_code, created_at, doc) VALUES (?, ?, ?, ?)',
  );
  const byId = db.prepare<[string], { doc: string }>('SELECT doc FROM tokens WHERE id = ?');
  // rowid breaks ties between tokens created in the same millisecond: the later insert is the newer.
  const all = db.prepare<[], { doc: string }>('SELECT doc FROM tokens ORDER BY created_at DESC, rowid DESC');
  const ofBody = db.prepare<[string], { doc: string }>(
    'SELECT doc FROM tokens WHERE body_code = ? ORDER BY created_at DESC, rowid DESC',
  );
  // Only a token not yet revoked is touched, so revoking twice keeps the first time.
  const revoke = db.prepare<[string, string]>(
    "UPDATE tokens SET doc = json_set(doc, '$.revokedAt', ?) WHERE id = ? AND json_extract(doc, '$.revokedAt') IS NULL",
  );
  const countAll = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM tokens');
  const parse = (doc: string): ApiToken => storedTokenSchema.parse(JSON.parse(doc));

  return {
    async create(token) {
      insert.run(token.id, token.bodyCode ?? null, token.createdAt, JSON.stringify(token));
      return token;
    },
    async findById(id) {
      const row = byId.get(id);
      return row ? parse(row.doc) : undefined;
    },
    async list(filter) {
      const rows = filter.bodyCode === undefined ? all.all() : ofBody.all(filter.bodyCode);
      return rows.map((r) => parse(r.doc));
    },
    async revoke(id, at) {
      return db.transaction(() => {
        revoke.run(at, id);
        const row = byId.get(id);
        return row ? parse(row.doc) : undefined;
      })();
    },
    async count() {
      return (countAll.get() as { n: number }).n;
    },
  };
}
