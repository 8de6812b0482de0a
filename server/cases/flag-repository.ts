import type { Flag, FlagState } from './flag-schema';

/** Flags on certificates. Never deleted: only their state and case change. */
export interface FlagRepository {
  /** Stores a new flag; rejects when a flag with its id exists (the first is kept). */
  create(flag: Flag): Promise<Flag>;

  /** The flag with this id, or undefined. */
  findById(id: string): Promise<Flag | undefined>;

  /** One page of flags (of one state, or all), the newest first, then by id. */
  list(
    filter: { state?: FlagState },
    page: { offset: number; limit: number },
  ): Promise<{ items: Flag[]; total: number }>;

  /**
   * Moves flags to a state: `caseId` is set with `in-case` and removed otherwise. Unknown ids are
   * ignored. Answers the flags as they now are.
   */
  setState(ids: readonly string[], state: FlagState, caseId?: string): Promise<Flag[]>;
}
