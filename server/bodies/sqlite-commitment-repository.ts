import type { SqliteDatabase } from '../platform/sqlite';
import type { CommitmentRepository } from './commitment-repository';
import { commitmentSchema, type Commitment } from './commitment-schema';

/** Commitments in the embedded SQLite file, one row per version (primary key: body, version). */
export function createSqliteCommitmentRepository(db: SqliteDatabase): CommitmentRepository {
  const insert = db.prepare<[string, number, string]>(
    'INSERT INTO body_commitments (body_code, version, doc) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const newest = db.prepare<[string, number], { doc: string }>(
    'SELECT doc FROM body_commitments WHERE body_code = ? ORDER BY version DESC LIMIT ?',
  );
  const parse = (doc: string): Commitment => commitmentSchema.parse(JSON.parse(doc));

  return {
    async add(commitment) {
      const { changes } = insert.run(commitment.bodyCode, commitment.version, JSON.stringify(commitment));
      return changes === 1 ? commitment : undefined;
    },
    async latest(bodyCode) {
      const row = newest.get(bodyCode, 1);
      return row ? parse(row.doc) : undefined;
    },
    async history(bodyCode, limit) {
      return newest.all(bodyCode, limit).map((r) => parse(r.doc));
    },
  };
}
