import type { DrawExecution, DrawResult, DrawSnapshot, StoredDraw } from './draw-schema';

/** What a draw's population is built from: one certificate of the registry, reduced to what a filter needs. */
export interface HolderCertificate {
  creditCode: string;
  holderName: string;
  bodyCode: string;
  scheme: string;
  /** Stored status (`expired` is derived from `expiryDate` by the caller). */
  status: string;
  expiryDate: string;
  updatedAt: string;
}

/**
 * Random inspection draws: the published plan with its secret seed, the snapshot it runs on, its one
 * execution and the inspection results. Plans and snapshots are never changed after creation; the
 * execution is set once; results are only appended.
 */
export interface DrawRepository {
  /** Stores a new plan and its snapshot together; rejects when the id is taken. */
  create(draw: StoredDraw, snapshot: DrawSnapshot): Promise<void>;

  /** The plan (with its secret seed and, once executed, its execution), or undefined. */
  findById(id: string): Promise<StoredDraw | undefined>;

  /** The snapshot of a plan, or undefined when there is no such plan. */
  snapshot(id: string): Promise<DrawSnapshot | undefined>;

  /**
   * Plans, newest first (a later creation first within the same millisecond), without snapshots; only
   * those in `state` when it is given (the public pages list executed draws).
   */
  list(page: { limit: number; offset: number }, state?: StoredDraw['state']): Promise<StoredDraw[]>;

  /** How many plans there are (in `state` when it is given). */
  count(state?: StoredDraw['state']): Promise<number>;

  /**
   * Records the execution of a plan not yet executed and marks it executed. True when it did; false
   * when there is no such plan or it was executed already (the first execution stays).
   */
  markExecuted(id: string, execution: DrawExecution): Promise<boolean>;

  /** Appends an inspection result to a plan (the caller checks that the plan exists and was executed). */
  appendResult(id: string, result: DrawResult): Promise<void>;

  /** The results of a plan in the order they were appended; empty when none (or no such plan). */
  results(id: string): Promise<DrawResult[]>;

  /**
   * Every certificate of the registry (read-only), or only those of `bodyCodes`, in pages of the
   * backend's choosing so memory stays flat: what a holder population is taken from.
   */
  holderCertificates(filter: { bodyCodes?: readonly string[] }): AsyncIterable<HolderCertificate>;
}
