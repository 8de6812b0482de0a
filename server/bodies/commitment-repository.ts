import type { Commitment } from './commitment-schema';

/**
 * Bodies' public commitments, every version kept. Versions of one body are unique: two submissions racing
 * for the same number cannot both be stored.
 */
export interface CommitmentRepository {
  /**
   * Stores `commitment` as its body's version `commitment.version`. Returns it, or undefined when the
   * body already has that version (nothing is changed then; the caller takes the next number).
   */
  add(commitment: Commitment): Promise<Commitment | undefined>;

  /** The body's latest version, or undefined when it has submitted none. */
  latest(bodyCode: string): Promise<Commitment | undefined>;

  /** The body's versions, newest first, at most `limit`. */
  history(bodyCode: string, limit: number): Promise<Commitment[]>;
}
