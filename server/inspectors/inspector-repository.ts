import type { Inspector } from './inspector-schema';

/** The directory of inspectors. Inspectors are never deleted (past draws name them): they are deactivated. */
export interface InspectorRepository {
  /** Stores a new inspector; rejects when an inspector with this id exists (the first is kept). */
  create(inspector: Inspector): Promise<Inspector>;

  /** The inspector with this id, or undefined. */
  findById(id: string): Promise<Inspector | undefined>;

  /** Inspectors in id order (code-unit order); only active (or only inactive) ones when `active` is given. */
  list(filter: { active?: boolean }): Promise<Inspector[]>;

  /** Replaces the stored inspector with the same id; returns it, or undefined when there is none. */
  replace(inspector: Inspector): Promise<Inspector | undefined>;
}
