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
 * move between states (open → in-case or dismissed, dismissed → open).
 */
export interface SignalRepository {
  /**
   * Stores each draft as a new open signal with the given id, or, when a signal with its dedup key
   * exists, updates that one (lastRaisedAt = at, occurrences + 1, every field of the draft replaced by the
   * draft's; id, firstRaisedAt, state and caseId kept). Results in input order, with `created` telling the
   * two apart. Drafts sharing a key within one call count as repeated raises of one signal (the first
   * creates it when new; each result is the signal as stored after the whole call). Atomic per key even
   * against concurrent calls from other instances: one key never becomes two signals.
   */
  raise(
    drafts: ReadonlyArray<{ id: string; draft: SignalDraft }>,
    at: string,
  ): Promise<Array<{ signal: Signal; created: boolean }>>;

  findById(id: string): Promise<Signal | undefined>;

  /**
   * Which of these dedup keys are stored (each once, in no particular order): what a rescan asks to raise
   * only what is new. One round trip through the dedup-key index; callers keep `keys` to some thousands.
   */
  findDedupKeys(keys: readonly string[]): Promise<string[]>;

  /**
   * One page matching every given filter, the most recently raised first (equal times: greater id
   * first); `total` counts all matches. Index-backed for each single filter.
   */
  list(
    filter: SignalFilter,
    page: { offset: number; limit: number },
  ): Promise<{ items: Signal[]; total: number }>;

  /**
   * Moves signals to a state (and sets or clears their case: caseId is set for in-case and removed
   * otherwise). Unknown ids are ignored. With `onlyFrom`, only signals now in one of those states move
   * (a compare-and-set per signal: a triage never overrides a concurrent move into a case). Answers the
   * signals it set (every known id without `onlyFrom`), as they now are.
   */
  setState(
    ids: readonly string[],
    state: SignalState,
    caseId?: string,
    onlyFrom?: readonly SignalState[],
  ): Promise<Signal[]>;

  /**
   * The open signals (not yet dismissed or taken into a case, whose outcome then speaks) about these subjects: signals whose subject
   * is one of the organisations (by credit code), and every signal naming one of the bodies (`bodyCode`:
   * the body's own and those about its certificates and auditors). In no particular order; each once.
   */
  findOpenConcerning(query: {
    creditCodes: readonly string[];
    bodyCodes: readonly string[];
  }): Promise<Signal[]>;
}
