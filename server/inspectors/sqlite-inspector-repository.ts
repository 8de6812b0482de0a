import type { SqliteDatabase } from '../platform/sqlite';
import type { InspectorRepository } from './inspector-repository';
import { inspectorSchema, type Inspector } from './inspector-schema';

/** The inspector directory in the registry file (table `inspectors`: id, active flag, the inspector as JSON). */
export function createSqliteInspectorRepository(db: SqliteDatabase): InspectorRepository {
  const insert = db.prepare<[string, number, string]>(
    'INSERT INTO inspectors (id, active, doc) VALUES (?, ?, ?)',
  );
  const byId = db.prepare<[string], { doc: string }>('SELECT doc FROM inspectors WHERE id = ?');
  const all = db.prepare<[], { doc: string }>('SELECT doc FROM inspectors ORDER BY id');
  const byActive = db.prepare<[number], { doc: string }>(
    'SELECT doc FROM inspectors WHERE active = ? ORDER BY id',
  );
  const update = db.prepare<[number, string, string]>(
    'UPDATE inspectors SET active = ?, doc = ? WHERE id = ?',
  );
  // Checked on the way out, so a damaged row fails loudly instead of entering a draw half-read.
  const parse = (doc: string): Inspector => inspectorSchema.parse(JSON.parse(doc));

  return {
    async create(inspector) {
      insert.run(inspector.id, inspector.active ? 1 : 0, JSON.stringify(inspector));
      return inspector;
    },
    async findById(id) {
      const row = byId.get(id);
      return row ? parse(row.doc) : undefined;
    },
    async list(filter) {
      const rows = filter.active === undefined ? all.all() : byActive.all(filter.active ? 1 : 0);
      return rows.map((r) => parse(r.doc));
    },
    async replace(inspector) {
      const { changes } = update.run(inspector.active ? 1 : 0, JSON.stringify(inspector), inspector.id);
      return changes > 0 ? inspector : undefined;
    },
  };
}
