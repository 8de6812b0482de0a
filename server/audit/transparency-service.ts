/**
 * The audit log as a transparency log: signed checkpoints of its Merkle tree, inclusion and consistency
 * proofs, and the witnesses who cosign checkpoints after checking that the log only grew.
 */
import { LRUCache } from 'lru-cache';
import { AppError } from '../platform/errors';
import type { Actor } from './audit-schema';
import type { AuditRepository } from './audit-repository';
import type { AuditService } from './audit-service';
import {
  ALG_COSIGNATURE_V1,
  ALG_ED25519,
  checkpointText,
  formatNote,
  formatVkey,
  keyIdOf,
  NoteFormatError,
  parseCheckpointText,
  parseNote,
  parseVkey,
  verifyCosignature,
  type NoteSignature,
} from './checkpoint';
import { consistencyProof, inclusionProof, rootAt, verifyInclusion, type NodeReader } from './merkle';
import type { WitnessRepository } from './witness-repository';
import type { Cosignature, EntryProof, EntryProofVerdict, Witness } from './witness-schema';

/**
 * The log's Ed25519 key ring (the QR key ring's machinery, on keys of its own): one active key signs,
 * retired ones still verify; public keys active first.
 */
export interface LogKeyRing {
  sign(message: Uint8Array): { kid: string; signature: Uint8Array };
  activeKid(): string;
  jwks(): { keys: { kid: string; x: string }[] };
  verify(
    kid: string,
    message: Uint8Array,
    signature: Uint8Array,
  ): 'valid' | 'invalid' | 'unknown-key' | 'removed-key';
}

export interface SignedCheckpoint {
  /** The checkpoint as a signed note, with the cosignatures of the witnesses who cosigned this very one. */
  note: string;
  size: number;
  rootHash: string;
  seenBy: number;
}

export interface InclusionAnswer {
  index: number;
  size: number;
  leafHash: string;
  hashes: string[];
}

export interface ConsistencyAnswer {
  from: number;
  to: number;
  hashes: string[];
}

export interface WitnessStatus {
  origin: string;
  size: number;
  rootHash: string;
  seenBy: number;
  witnesses: {
    name: string;
    label: string;
    vkey: string;
    lastCosigned: { size: number; rootHash: string; at: string } | null;
  }[];
}

export interface TransparencyService {
  /** The log's name on its checkpoints and its key's name. */
  readonly origin: string;
  /** The checkpoint of the tree as it is now, signed by the active key. */
  checkpoint(): Promise<SignedCheckpoint>;
  /** The log's verifier keys (signed-note vkeys), the active one first. */
  logKeys(): string[];
  /** RFC 9162 §2.1.3 inclusion proof of leaf `index` (entry seq index + 1) in the tree of `size`. */
  inclusion(index: number, size: number): Promise<InclusionAnswer>;
  /** RFC 9162 §2.1.4 consistency proof between the trees of `from` and `to` leaves. */
  consistency(from: number, to: number): Promise<ConsistencyAnswer>;
  /** The current checkpoint, how many witnesses cosigned it, and what each last cosigned. */
  witnessStatus(): Promise<WitnessStatus>;
  /** Registers a witness by its verifier key (cosignature/v1, alg 0x04). Audited. */
  registerWitness(actor: Actor, input: { vkey: string; label: string }): Promise<Witness>;
  /** Removes a witness. Audited. */
  removeWitness(actor: Actor, name: string): Promise<void>;
  /**
   * Takes a checkpoint of this log carrying witnesses' cosignatures: checks the log's own signature, that
   * the checkpoint is this log's tree at that size, and each registered witness's cosignature; keeps those.
   */
  cosign(note: string): Promise<{ size: number; rootHash: string; accepted: string[]; seenBy: number }>;
  /**
   * The newest entry about `target` whose action is one of `actions` (among its latest 50 entries), with its
   * inclusion proof in the tree of the current signed checkpoint; undefined when there is none.
   */
  entryProof(
    target: { type: string; id: string },
    actions: readonly string[],
  ): Promise<EntryProof | undefined>;
  /**
   * Checks a proof as a receipt carries it, with nothing but the proof and the log's public keys:
   * PROVEN when the checkpoint is signed by a key of this log and the proof leads from the leaf to its root.
   */
  checkEntryProof(proof: EntryProof): EntryProofVerdict;
}

/** A schema-less URL naming the log: the portal's host and path, then `/audit-log`. */
export function logOrigin(publicBaseUrl: string): string {
  const url = new URL(publicBaseUrl);
  return `${url.host}${url.pathname.replace(/\/+$/, '')}/audit-log`;
}

/** How far in the future a witness's clock may be. */
const MAX_CLOCK_SKEW_SECONDS = 600;

export function createTransparencyService(deps: {
  log: AuditRepository;
  witnesses: WitnessRepository;
  audit: AuditService;
  keys: LogKeyRing;
  origin: string;
  now?: () => number;
}): TransparencyService {
  const { log, witnesses, keys, origin } = deps;
  const now = deps.now ?? Date.now;
  const read: NodeReader = (k) => log.treeNodes(k);
  // Proofs between two sizes never change: answers are kept by their sizes.
  const proofs = new LRUCache<string, InclusionAnswer | ConsistencyAnswer>({ max: 10_000 });
  // Ed25519 signatures are deterministic, so the log's signature of a checkpoint is kept by size and key.
  const signatures = new LRUCache<string, NoteSignature>({ max: 64 });

  function noteKeys(): { kid: string; vkey: string; keyId: Buffer }[] {
    return keys.jwks().keys.map((jwk) => {
      const pub = Buffer.from(jwk.x, 'base64url');
      return {
        kid: jwk.kid,
        vkey: formatVkey(origin, ALG_ED25519, pub),
        keyId: keyIdOf(origin, ALG_ED25519, pub),
      };
    });
  }

  async function treeSizeAtLeast(size: number): Promise<void> {
    const have = await log.treeSize();
    if (size > have)
      throw new AppError('AUDIT_SIZE_BEYOND_LOG', `The audit log has ${have} entries, fewer than ${size}.`);
  }

  async function current(): Promise<{ size: number; rootHash: string; text: string }> {
    const size = await log.treeSize();
    const rootHash = (await rootAt(size, read)).toString('base64');
    return {
      size,
      rootHash,
      text: checkpointText({ origin, size, rootHash: Buffer.from(rootHash, 'base64') }),
    };
  }

  function cosignatureLine(witness: Witness | undefined, c: Cosignature): NoteSignature | undefined {
    if (!witness) return undefined;
    return {
      name: c.witness,
      keyId: parseVkey(witness.vkey).keyId,
      signature: Buffer.from(c.signature, 'base64'),
    };
  }

  const service: TransparencyService = {
    origin,

    async checkpoint() {
      const { size, rootHash, text } = await current();
      const cacheKey = `${size}:${rootHash}:${keys.activeKid()}`;
      let own = signatures.get(cacheKey);
      if (!own) {
        const signed = keys.sign(Buffer.from(text, 'utf8'));
        const key = noteKeys().find((k) => k.kid === signed.kid);
        if (!key) throw new Error('audit log key ring: the signing key is not among its public keys');
        own = { name: origin, keyId: key.keyId, signature: Buffer.from(signed.signature) };
        signatures.set(cacheKey, own);
      }
      const cosigned = await witnesses.cosignaturesOf(size, rootHash);
      const registered = new Map((await witnesses.list()).map((w) => [w.name, w]));
      const lines = cosigned
        .map((c) => cosignatureLine(registered.get(c.witness), c))
        .filter((l): l is NoteSignature => l !== undefined);
      return { note: formatNote(text, [own, ...lines]), size, rootHash, seenBy: lines.length };
    },

    logKeys() {
      return noteKeys().map((k) => k.vkey);
    },

    async inclusion(index, size) {
      const cacheKey = `i:${index}:${size}`;
      const cached = proofs.get(cacheKey) as InclusionAnswer | undefined;
      if (cached) return cached;
      await treeSizeAtLeast(size);
      const proof = await inclusionProof(index, size, read);
      const answer = {
        index,
        size,
        leafHash: proof.leafHash.toString('base64'),
        hashes: proof.hashes.map((h) => h.toString('base64')),
      };
      proofs.set(cacheKey, answer);
      return answer;
    },

    async consistency(from, to) {
      const cacheKey = `c:${from}:${to}`;
      const cached = proofs.get(cacheKey) as ConsistencyAnswer | undefined;
      if (cached) return cached;
      await treeSizeAtLeast(to);
      const hashes = (await consistencyProof(from, to, read)).map((h) => h.toString('base64'));
      const answer = { from, to, hashes };
      proofs.set(cacheKey, answer);
      return answer;
    },

    async witnessStatus() {
      const { size, rootHash } = await current();
      const latest = new Map((await witnesses.latestCosignatures()).map((c) => [c.witness, c]));
      const list = await witnesses.list();
      const seen = list.filter((w) => {
        const c = latest.get(w.name);
        return c && c.size === size && c.rootHash === rootHash;
      });
      return {
        origin,
        size,
        rootHash,
        seenBy: seen.length,
        witnesses: list.map((w) => {
          const c = latest.get(w.name);
          return {
            name: w.name,
            label: w.label,
            vkey: w.vkey,
            lastCosigned: c
              ? { size: c.size, rootHash: c.rootHash, at: new Date(c.timestamp * 1000).toISOString() }
              : null,
          };
        }),
      };
    },

    async registerWitness(actor, input) {
      let name: string;
      try {
        name = parseVkey(input.vkey, [ALG_COSIGNATURE_V1]).name;
      } catch (err) {
        throw new AppError('INVALID_WITNESS_KEY', `Not a witness verifier key: ${(err as Error).message}.`);
      }
      if (name === origin)
        throw new AppError('INVALID_WITNESS_KEY', 'A witness cannot take the name of the log itself.');
      const witness: Witness = {
        name,
        vkey: input.vkey.trim(),
        label: input.label,
        registeredAt: new Date(now()).toISOString(),
      };
      if (!(await witnesses.add(witness)))
        throw new AppError('WITNESS_EXISTS', `A witness named ${name} is registered already.`);
      await deps.audit.record(
        actor,
        'witness.register',
        { type: 'witness', id: name },
        {
          vkey: witness.vkey,
          label: witness.label,
        },
      );
      return witness;
    },

    async removeWitness(actor, name) {
      if (!(await witnesses.remove(name)))
        throw new AppError('WITNESS_NOT_FOUND', `No witness named ${name} is registered.`);
      await deps.audit.record(actor, 'witness.remove', { type: 'witness', id: name }, null);
    },

    async cosign(text) {
      let note;
      let cp;
      try {
        note = parseNote(text);
        cp = parseCheckpointText(note.text);
      } catch (err) {
        if (err instanceof NoteFormatError)
          throw new AppError('INVALID_CHECKPOINT', `Not a signed checkpoint: ${err.message}.`);
        throw err;
      }
      if (cp.origin !== origin)
        throw new AppError(
          'INVALID_CHECKPOINT',
          `The checkpoint is of ${cp.origin}, not of this log (${origin}).`,
        );
      const ours = noteKeys();
      const body = Buffer.from(note.text, 'utf8');
      const signedByLog = note.signatures.some((s) => {
        const key = s.name === origin ? ours.find((k) => k.keyId.equals(s.keyId)) : undefined;
        return key !== undefined && keys.verify(key.kid, body, s.signature) === 'valid';
      });
      if (!signedByLog)
        throw new AppError(
          'INVALID_CHECKPOINT',
          'The checkpoint does not carry a valid signature of this log.',
        );
      const rootHash = cp.rootHash.toString('base64');
      const size = await log.treeSize();
      if (cp.size > size || (await rootAt(cp.size, read)).toString('base64') !== rootHash) {
        throw new AppError(
          'CHECKPOINT_NOT_IN_LOG',
          `The checkpoint of size ${cp.size} is not this log's tree at that size: it was signed for another history.`,
        );
      }
      const registered = new Map((await witnesses.list()).map((w) => [w.name, w]));
      const accepted: string[] = [];
      const nowSeconds = Math.floor(now() / 1000);
      for (const sig of note.signatures) {
        const witness = registered.get(sig.name);
        if (!witness || accepted.includes(sig.name)) continue;
        const seconds = verifyCosignature(parseVkey(witness.vkey), note.text, sig);
        if (seconds === undefined || seconds > nowSeconds + MAX_CLOCK_SKEW_SECONDS) continue;
        await witnesses.saveCosignature({
          witness: witness.name,
          size: cp.size,
          rootHash,
          timestamp: seconds,
          signature: sig.signature.toString('base64'),
          receivedAt: new Date(now()).toISOString(),
        });
        accepted.push(witness.name);
      }
      if (accepted.length === 0) {
        throw new AppError(
          'NO_VALID_COSIGNATURE',
          'No cosignature on the checkpoint is a valid, current cosignature of a registered witness.',
        );
      }
      const seenBy = (await witnesses.cosignaturesOf(cp.size, rootHash)).length;
      return { size: cp.size, rootHash, accepted, seenBy };
    },
    async entryProof(target, actions) {
      const entry = (await log.forTarget(target.type, target.id, 50)).find((e) => actions.includes(e.action));
      if (!entry) return undefined;
      const cp = await service.checkpoint();
      // The tree of a MongoDB log may trail its newest entries by a moment: no proof until it includes them.
      if (cp.size < entry.seq) return undefined;
      const proof = await service.inclusion(entry.seq - 1, cp.size);
      return {
        entry: { seq: entry.seq, action: entry.action, at: entry.at },
        index: proof.index,
        size: proof.size,
        leafHash: proof.leafHash,
        hashes: proof.hashes,
        checkpoint: cp.note,
      };
    },

    checkEntryProof(proof) {
      let note;
      let cp;
      try {
        note = parseNote(proof.checkpoint);
        cp = parseCheckpointText(note.text);
      } catch (err) {
        if (err instanceof NoteFormatError) return 'CHECKPOINT_INVALID';
        throw err;
      }
      const body = Buffer.from(note.text, 'utf8');
      const ours = noteKeys();
      const signed = note.signatures.some((s) => {
        const key = s.name === origin ? ours.find((k) => k.keyId.equals(s.keyId)) : undefined;
        return key !== undefined && keys.verify(key.kid, body, s.signature) === 'valid';
      });
      if (cp.origin !== origin || !signed) return 'CHECKPOINT_INVALID';
      const decode = (b64: string) => {
        const raw = Buffer.from(b64, 'base64');
        return raw.length === 32 && raw.toString('base64') === b64 ? raw : undefined;
      };
      const leaf = decode(proof.leafHash);
      const hashes = proof.hashes.map(decode);
      if (
        cp.size !== proof.size ||
        proof.index !== proof.entry.seq - 1 ||
        !leaf ||
        hashes.some((h) => h === undefined) ||
        !verifyInclusion(proof.index, proof.size, leaf, hashes as Buffer[], cp.rootHash)
      )
        return 'PROOF_INVALID';
      return 'PROVEN';
    },
  };
  return service;
}
