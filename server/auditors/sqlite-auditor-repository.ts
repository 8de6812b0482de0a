import type { SqliteDatabase } from '../platform/sqlite';
import type { AuditorRepository } from './auditor-repository';
import { auditorSchema, sameRegistration, type Auditor } from './auditor-schema';

/** The register in the embedded registry: one row per registration number, the entry as JSON. */
export function createSqliteAuditorRepository(db: SqliteDatabase): AuditorRepository {
  const select = db.prepare<[string], { doc: string }>(
    'SELECT doc FROM auditor_register WHERE registration_number IN (SELECT value FROM json_each(?))',
  );
  const upsert = db.prepare<[string, string]>(
    `INSERT INTO auditor_register (registration_number, doc) VALUES (?, ?)
     ON CONFLICT (registration_number) DO UPDATE SET doc = excluded.doc`,
  );
  const countAll = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM auditor_register');
  const parse = (doc: string): Auditor => auditorSchema.parse(JSON.parse(doc));
  const PAGE = 500;

  const writeMany = db.transaction((entries: readonly Auditor[]) => {
    const counts = { created: 0, updated: 0, unchanged: 0 };
    for (let i = 0; i < entries.length; i += PAGE) {
      const page = entries.slice(i, i + PAGE);
      const stored = new Map(
        select
          .all(JSON.stringify(page.map((e) => e.registrationNumber)))
          .map(({ doc }) => parse(doc))
          .map((a) => [a.registrationNumber, a] as const),
      );
      for (const entry of page) {
        const before = stored.get(entry.registrationNumber);
        if (before && sameRegistration(before, entry)) {
          counts.unchanged += 1;
          continue;
        }
        upsert.run(entry.registrationNumber, JSON.stringify(auditorSchema.parse(entry)));
        if (before) counts.updated += 1;
        else counts.created += 1;
      }
    }
    return counts;
  });

  return {
    async upsertMany(entries) {
      return writeMany(entries);
    },
    async findByRegistrationNumbers(numbers) {
      const out: Auditor[] = [];
      for (let i = 0; i < numbers.length; i += PAGE) {
        out.push(...select.all(JSON.stringify(numbers.slice(i, i + PAGE))).map(({ doc }) => parse(doc)));
      }
      return out;
    },
    async count() {
      return countAll.get()?.n ?? 0;
    },
  };
}
