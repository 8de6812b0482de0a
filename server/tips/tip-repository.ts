import type { PhotoType, Tip, TipState } from './tip-schema';

/** A tip's photo: its checked type and its bytes. */
export interface TipPhoto {
  contentType: PhotoType;
  data: Buffer;
}

/**
 * Public tips, with their photos stored apart (a list never reads image bytes). A tip is kept as it was
 * received: only its state and its case change. Tips and photos are never deleted.
 */
export interface TipRepository {
  /**
   * Stores a new tip, and its photo when there is one, together. Rejects, storing nothing, when a tip
   * with its id or its reference exists.
   */
  create(tip: Tip, photo?: TipPhoto): Promise<Tip>;

  /** The tip with this id, or undefined. */
  findById(id: string): Promise<Tip | undefined>;

  /** The tip with this reference (exactly as stored), or undefined. One read through the unique index. */
  findByReference(reference: string): Promise<Tip | undefined>;

  /** One page of tips (of one state, or all), the most recently received first, then by id. */
  list(
    filter: { state?: TipState },
    page: { offset: number; limit: number },
  ): Promise<{ items: Tip[]; total: number }>;

  /** The photo of a tip, or undefined when the tip has none (or there is no such tip). */
  findPhoto(id: string): Promise<TipPhoto | undefined>;

  /**
   * Moves tips to a state: `caseId` is set with `in-case` and removed otherwise. Unknown ids are
   * ignored. Answers the tips as they now are.
   */
  setState(ids: readonly string[], state: TipState, caseId?: string): Promise<Tip[]>;
}
