import { z } from 'zod';

/** A witness of the audit log (a partner department), registered by an admin. */
export interface Witness {
  /** Its key name, unique: the name on its cosignature lines. */
  name: string;
  /** Its verifier key, `<name>+<hex key id>+<base64(0x04 ‖ Ed25519 public key)>`. */
  vkey: string;
  /** Who runs it, for people. */
  label: string;
  registeredAt: string;
}

/** The latest checkpoint a witness cosigned. */
export interface Cosignature {
  witness: string;
  size: number;
  /** Base64, as on the checkpoint's third line. */
  rootHash: string;
  /** The witness's own time of signing, seconds since the epoch. */
  timestamp: number;
  /** Base64 of what follows the key id on the cosignature line (timestamp ‖ signature). */
  signature: string;
  receivedAt: string;
}

export const witnessInputSchema = z.strictObject({
  vkey: z
    .string()
    .min(1)
    .max(300)
    .describe('The witness verifier key, printed by `npm run witness -- --new-key`'),
  label: z.string().trim().min(1).max(100).describe('Who runs it, e.g. 区发展改革委信用科'),
});

export const witnessSchema = z
  .object({ name: z.string(), vkey: z.string(), label: z.string(), registeredAt: z.string() })
  .meta({ id: 'Witness' });

export const witnessListSchema = z.object({ items: z.array(witnessSchema) }).meta({ id: 'WitnessList' });

export const inclusionProofSchema = z
  .object({
    index: z.number().int().describe('Leaf index: the entry with seq index + 1'),
    size: z.number().int(),
    leafHash: z.string().describe('Base64 SHA-256(0x00 ‖ entry bytes)'),
    hashes: z.array(z.string()).describe('Base64 node hashes, bottom up (RFC 9162 §2.1.3)'),
  })
  .meta({ id: 'InclusionProof' });

export const consistencyProofSchema = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    hashes: z.array(z.string()).describe('Base64 node hashes (RFC 9162 §2.1.4)'),
  })
  .meta({ id: 'ConsistencyProof' });

export const witnessStatusSchema = z
  .object({
    origin: z.string(),
    size: z.number().int(),
    rootHash: z.string(),
    seenBy: z.number().int().describe('Registered witnesses that cosigned this very checkpoint'),
    witnesses: z.array(
      z.object({
        name: z.string(),
        label: z.string(),
        lastCosigned: z
          .object({ size: z.number().int(), rootHash: z.string(), at: z.string() })
          .nullable()
          .describe('The latest checkpoint it cosigned: it checked the log grew honestly up to there'),
      }),
    ),
  })
  .meta({ id: 'AuditWitnessStatus' });

export const cosignatureResultSchema = z
  .object({
    size: z.number().int(),
    rootHash: z.string(),
    accepted: z.array(z.string()).describe('Witnesses whose cosignatures were checked and kept'),
    seenBy: z.number().int(),
  })
  .meta({ id: 'CosignatureResult' });

/**
 * The proof that one audit entry is in the log, as a receipt carries it: the entry's position (leaf
 * `index` = seq − 1), its RFC 9162 inclusion proof in the tree of `size` leaves, and the signed checkpoint
 * of that very tree. The entry's bytes stay private (they name the acting token): the leaf hash commits to
 * them, and `entry` says what the entry is.
 */
export const entryProofSchema = z
  .strictObject({
    entry: z.strictObject({
      seq: z.number().int().min(1),
      action: z.string().max(64),
      at: z.string().max(40),
    }),
    index: z.number().int().min(0),
    size: z.number().int().min(1),
    leafHash: z.string().max(64).describe('Base64 SHA-256(0x00 ‖ entry bytes)'),
    hashes: z.array(z.string().max(64)).max(64).describe('Base64 node hashes, bottom up (RFC 9162 §2.1.3)'),
    checkpoint: z
      .string()
      .max(4096)
      .describe('The signed checkpoint (C2SP signed note) of the tree of `size`'),
  })
  .meta({ id: 'EntryProof' });
export type EntryProof = z.infer<typeof entryProofSchema>;

export const ENTRY_PROOF_VERDICTS = ['PROVEN', 'CHECKPOINT_INVALID', 'PROOF_INVALID'] as const;
export type EntryProofVerdict = (typeof ENTRY_PROOF_VERDICTS)[number];
