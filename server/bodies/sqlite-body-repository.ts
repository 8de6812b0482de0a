import type { SqliteDatabase } from '../platform/sqlite';
import { bodySchema, type Body } from './body-schema';
import type { BodyRepository } from './body-repository';

export function createSqliteBodyRepository(db: SqliteDatabase): BodyRepository {
  const upsert = db.prepare<[string, string]>(
    'INSERT INTO bodies (code, doc) VALUES (?, ?) ON CONFLICT (code) DO UPDATE SET doc = excluded.doc',
  );
  const byCode = db.prepare<[string], { doc: string }>('SELECT doc FROM bodies WHERE code = ?');
  const all = db.prepare<[], { doc: string }>('SELECT doc FROM bodies ORDER BY code');
  const touch = db.prepare<[string, string]>(
    "UPDATE bodies SET doc = json_set(doc, '$.lastReportedAt', ?) WHERE code = ?",
  );
  const parse = (doc: string): Body => bodySchema.parse(JSON.parse(doc));

  return {
    async upsert(body) {
      upsert.run(body.code, JSON.stringify(body));
      return body;
    },
    async findByCode(code) {
      const row = byCode.get(code);
      return row ? parse(row.doc) : undefined;
    },
    async list() {
      return all.all().map((r) => parse(r.doc));
    },
    async touchLastReported(code, at) {
      touch.run(at, code);
    },
  };
}
