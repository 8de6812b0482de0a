import type { Cosignature, Witness } from './witness-schema';

/** The witnesses of the audit log and the latest checkpoint each one cosigned. */
export interface WitnessRepository {
  /** Registers `witness`; false (nothing changed) when a witness of that name exists. */
  add(witness: Witness): Promise<boolean>;

  /** The witness of that name, or undefined. */
  get(name: string): Promise<Witness | undefined>;

  /** Every witness, by name. */
  list(): Promise<Witness[]>;

  /** Removes the witness and its cosignature; false when there was none of that name. */
  remove(name: string): Promise<boolean>;

  /**
   * Keeps `cosignature` as its witness's latest when it is for a larger tree than the one kept (or the
   * same tree, signed later); true when kept. A cosignature of a removed witness is not kept.
   */
  saveCosignature(cosignature: Cosignature): Promise<boolean>;

  /** The kept cosignatures of the checkpoint (size, rootHash), by witness name. */
  cosignaturesOf(size: number, rootHash: string): Promise<Cosignature[]>;

  /** Each witness's kept cosignature, by witness name. */
  latestCosignatures(): Promise<Cosignature[]>;
}
