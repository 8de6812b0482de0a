import type { Auditor } from './auditor-schema';

/**
 * The auditor register: one entry per registration number (normalised). Plain objects in and out.
 * An import writes entries; nothing is deleted (a registration that ends stays, with its validity).
 */
export interface AuditorRepository {
  /**
   * Stores each entry under its registration number: a new number is created, a stored one replaced when
   * any field but importedAt/importId differs (and counted unchanged otherwise, left as it is). Numbers
   * are unique within one call (the caller drops repeats). Answers the counts.
   */
  upsertMany(entries: readonly Auditor[]): Promise<{ created: number; updated: number; unchanged: number }>;

  /** The entries with these (normalised) registration numbers, in no particular order; unknown ones absent. One round trip. */
  findByRegistrationNumbers(numbers: readonly string[]): Promise<Auditor[]>;

  /** How many registrations the register holds (0: no register was ever imported). */
  count(): Promise<number>;
}
