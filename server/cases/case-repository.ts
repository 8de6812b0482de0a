import type { Case, CaseEvent, CaseRecord, CaseState } from './case-schema';

/**
 * Cases and their events. Events are only ever appended; a case changes only while it is open, each
 * change bumping its version by one together with the event that says what changed; a decided case is
 * final. Nothing is deleted. Adapters enforce this in the store where they can.
 */
export interface CaseRepository {
  /**
   * Stores a new case (its `version` 1) with its first event. Rejects, storing nothing, when a case with
   * its id or its reference exists.
   */
  create(record: CaseRecord, event: CaseEvent): Promise<Case>;

  /** The case with this id, with its events oldest first, or undefined. */
  findById(id: string): Promise<Case | undefined>;

  /**
   * One page of cases (of one state and/or one assignee, or all), the newest opened first, then by id,
   * each with its events. `total` counts every case the filter matches.
   */
  list(
    filter: { state?: CaseState; assignee?: string },
    page: { offset: number; limit: number },
  ): Promise<{ items: Case[]; total: number }>;

  /**
   * Replaces the case with `record` and appends `event`, in one step, when the stored case is open and
   * its version is `record.version - 1`. Otherwise (decided, changed since it was read, or no such case)
   * nothing changes and the answer is undefined.
   */
  update(record: CaseRecord, event: CaseEvent): Promise<Case | undefined>;
}
