import type { PhotoType, Tip, TipState } from './tip-schema';

/** How a tip moves: its case (with `in-case`), and the state it must be in now to move at all. */
export interface TipMove {
  /** Set with `in-case`; the case is removed with any other state. */
  caseId?: string;
  /**
   * Compare-and-set: only a tip now in this state moves, checked in the same write that moves it, so
   * two concurrent moves of one tip never both succeed (two dismissals, a dismissal and a case).
   */
  onlyFrom?: TipState;
}

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
   * ignored; with `onlyFrom`, so are tips in any other state. Answers the tips it moved, as they now are.
   */
  setState(ids: readonly string[], state: TipState, move?: TipMove): Promise<Tip[]>;
}
