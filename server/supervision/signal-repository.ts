import type { Signal, SignalDraft, SignalSeverity, SignalState } from './signal-schema';

export interface SignalFilter {
  ruleId?: string;
  severity?: SignalSeverity;
  state?: SignalState;
  bodyCode?: string;
  /** Signals naming this certificate (public id) among their certificates. */
  certificatePublicId?: string;
  /** Last raised at or after this ISO timestamp. */
  since?: string;
}

/**
 * Risk signals, deduplicated by `dedupKey`. Plain objects in and out. Signals are never deleted: they
 * move between states (open → in-case or dismissed).
 */
export interface SignalRepository {
  /**
   * Stores each draft as a new open signal with the given id, or, when a signal with its dedup key
   * exists, updates that one (lastRaisedAt = at, occurrences + 1, severity/summary/evidence/certificates
   * replaced by the draft's; state and caseId kept). Results in input order, with `created` telling the
   * two apart. Drafts sharing a key within one call count as repeated raises of one signal.
   */
  raise(
    drafts: ReadonlyArray<{ id: string; draft: SignalDraft }>,
    at: string,
  ): Promise<Array<{ signal: Signal; created: boolean }>>;

  findById(id: string): Promise<Signal | undefined>;

  /** One page matching the filter, the most recently raised first (then id); `total` counts all matches. */
  list(
    filter: SignalFilter,
    page: { offset: number; limit: number },
  ): Promise<{ items: Signal[]; total: number }>;

  /**
   * Moves signals to a state (and sets or clears their case: caseId is set for in-case and removed
   * otherwise). Unknown ids are ignored. Answers the signals as they now are.
   */
  setState(ids: readonly string[], state: SignalState, caseId?: string): Promise<Signal[]>;
}
