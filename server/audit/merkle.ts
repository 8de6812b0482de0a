/**
 * The audit log as an RFC 9162 Merkle tree (§2.1): pure functions, no storage.
 *
 * Leaf i (0-based) is audit entry seq i + 1. Its bytes are the UTF-8 of the canonical JSON the hash chain
 * already hashes (`entryBytes`: the keys seq, at, actor, action, target, digest, prevHash, sorted at every
 * level, no whitespace), so SHA-256(entryBytes) is the entry's chain `hash` and
 * leaf hash = SHA-256(0x00 ‖ entryBytes), interior hash = SHA-256(0x01 ‖ left ‖ right).
 *
 * Storage keeps every node of a complete ("perfect") subtree, keyed (level, index): the node over leaves
 * [index·2^level, (index+1)·2^level). An append adds its leaf and the perfect parents it completes (one
 * on average, at most log n); every other node of the tree of size n (those on its right edge) is
 * recomputed from at most log n stored perfect nodes, so neither appends nor proofs rehash the log.
 */
import { createHash } from 'node:crypto';
import { entryBytes } from './audit-schema';

export type Hash = Buffer;

/** A stored node: the perfect subtree over leaves [index·2^level, (index+1)·2^level). */
export interface NodeKey {
  level: number;
  index: number;
}

export interface StoredNode extends NodeKey {
  hash: Hash;
}

/** The bytes of an entry that the chain hashes and the tree takes as its leaf. */
export { entryBytes };

export function leafHash(bytes: Uint8Array): Hash {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(bytes)
    .digest();
}

export function interiorHash(left: Uint8Array, right: Uint8Array): Hash {
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(left)
    .update(right)
    .digest();
}

/** The root of the empty tree: SHA-256 of the empty string. */
export const EMPTY_ROOT: Hash = createHash('sha256').digest();

/** The nodes one append stores: its leaf, then each perfect parent it completes, bottom up. */
export function nodesOfAppend(index: number, leaf: Hash, left: (key: NodeKey) => Hash): StoredNode[] {
  const out: StoredNode[] = [{ level: 0, index, hash: leaf }];
  let hash = leaf;
  let level = 0;
  let i = index;
  while (i % 2 === 1) {
    hash = interiorHash(left({ level, index: i - 1 }), hash);
    level += 1;
    i = (i - 1) / 2;
    out.push({ level, index: i, hash });
  }
  return out;
}

/** The left siblings `nodesOfAppend(index, …)` reads. */
export function siblingsOfAppend(index: number): NodeKey[] {
  const out: NodeKey[] = [];
  for (let level = 0, i = index; i % 2 === 1; level += 1, i = (i - 1) / 2) out.push({ level, index: i - 1 });
  return out;
}

/** A subtree of the RFC 9162 tree: leaves [start, start + size). */
interface Span {
  start: number;
  size: number;
}

/** The largest power of two smaller than n (n > 1). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The perfect subtrees whose hashes make up the span's hash, left to right. Every subtree of the RFC
 * tree starts at a multiple of the power of two at or above its size, so each piece is aligned.
 */
function peaksOf(span: Span): NodeKey[] {
  const out: NodeKey[] = [];
  let start = span.start;
  let rest = span.size;
  while (rest > 0) {
    let size = 1;
    while (size * 2 <= rest) size *= 2;
    out.push({ level: Math.log2(size), index: start / size });
    start += size;
    rest -= size;
  }
  return out;
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]) as subtrees, in proof order (bottom up). */
function inclusionSpans(m: number, n: number): Span[] {
  const out: Span[] = [];
  let start = 0;
  let size = n;
  let index = m;
  while (size > 1) {
    const k = splitPoint(size);
    if (index < k) {
      out.push({ start: start + k, size: size - k });
      size = k;
    } else {
      out.push({ start, size: k });
      start += k;
      index -= k;
      size -= k;
    }
  }
  return out.reverse();
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true) as subtrees, in proof order. */
function consistencySpans(m: number, n: number): Span[] {
  const out: Span[] = [];
  let start = 0;
  let size = n;
  let first = m;
  let whole = true;
  while (first !== size) {
    const k = splitPoint(size);
    if (first <= k) {
      out.push({ start: start + k, size: size - k });
      size = k;
    } else {
      out.push({ start, size: k });
      start += k;
      first -= k;
      size -= k;
      whole = false;
    }
  }
  if (!whole) out.push({ start, size });
  return out.reverse();
}

const keyOf = (k: NodeKey) => `${k.level}:${k.index}`;

/** Reads stored perfect nodes, in one round trip; undefined for a node that is not stored. */
export type NodeReader = (keys: NodeKey[]) => Promise<(Hash | undefined)[]>;

/** Thrown when the store lacks a node the tree of the asked size needs (it is smaller, or damaged). */
export class MissingNodeError extends Error {}

/** The hashes of `spans`, reading every perfect node they need in one call. */
async function hashesOf(spans: Span[], read: NodeReader, extra: NodeKey[] = []): Promise<Hash[]> {
  const pieces = spans.map(peaksOf);
  const wanted = new Map<string, NodeKey>();
  for (const key of [...pieces.flat(), ...extra]) wanted.set(keyOf(key), key);
  const keys = [...wanted.values()];
  const found = await read(keys);
  const byKey = new Map<string, Hash>();
  keys.forEach((key, i) => {
    const hash = found[i];
    if (!hash) throw new MissingNodeError(`tree node ${key.level}/${key.index} is not stored`);
    byKey.set(keyOf(key), hash);
  });
  const extraHashes = extra.map((k) => byKey.get(keyOf(k)) as Hash);
  const spanHashes = pieces.map((peaks) => {
    let hash = byKey.get(keyOf(peaks[peaks.length - 1] as NodeKey)) as Hash;
    for (let i = peaks.length - 2; i >= 0; i -= 1)
      hash = interiorHash(byKey.get(keyOf(peaks[i] as NodeKey)) as Hash, hash);
    return hash;
  });
  return [...spanHashes, ...extraHashes];
}

/** MTH(D[0:size]). */
export async function rootAt(size: number, read: NodeReader): Promise<Hash> {
  if (size === 0) return EMPTY_ROOT;
  const [root] = await hashesOf([{ start: 0, size }], read);
  return root as Hash;
}

export interface InclusionProof {
  leafHash: Hash;
  hashes: Hash[];
}

/** The inclusion proof of leaf `index` in the tree of `size` leaves (0 ≤ index < size). */
export async function inclusionProof(index: number, size: number, read: NodeReader): Promise<InclusionProof> {
  const spans = inclusionSpans(index, size);
  const hashes = await hashesOf(spans, read, [{ level: 0, index }]);
  return { leafHash: hashes.pop() as Hash, hashes };
}

/** The consistency proof from the tree of `from` leaves to that of `to` (0 < from ≤ to). */
export async function consistencyProof(from: number, to: number, read: NodeReader): Promise<Hash[]> {
  if (from === to) return [];
  return hashesOf(consistencySpans(from, to), read);
}

// ---------------------------------------------------------------------------------------------------------
// Verification (RFC 9162 §2.1.3.2 and §2.1.4.2): what a witness or a receipt holder runs.

const isPowerOfTwo = (n: number) => n > 0 && Math.log2(n) % 1 === 0;
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

/** Whether `proof` shows leaf `leaf` at `index` in the tree of `size` leaves with root `root`. */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!(index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = interiorHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = interiorHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && same(r, root);
}

/** Whether `proof` shows the tree (`to`, `toRoot`) extends the tree (`from`, `fromRoot`). */
export function verifyConsistency(
  from: number,
  to: number,
  fromRoot: Uint8Array,
  toRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (from < 0 || to < from) return false;
  if (from === to) return proof.length === 0 && same(fromRoot, toRoot);
  if (from === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(from) ? [fromRoot, ...proof] : [...proof];
  let fn = from - 1;
  let sn = to - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Uint8Array = path[0] as Uint8Array;
  let sr: Uint8Array = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = interiorHash(c, fr);
      sr = interiorHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = interiorHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return same(fr, fromRoot) && same(sr, toRoot) && sn === 0;
}

/**
 * The root of a log computed as its entries stream by, in O(log n) memory: the perfect peaks, left to
 * right. What `verify-audit` uses to recompute the tree from the entries themselves.
 */
export function createStreamingRoot(): { add(leaf: Hash): void; size(): number; root(): Hash } {
  const peaks: { level: number; hash: Hash }[] = [];
  let count = 0;
  return {
    add(leaf) {
      let node = { level: 0, hash: leaf };
      while (peaks.length > 0 && (peaks[peaks.length - 1] as { level: number }).level === node.level) {
        const left = peaks.pop() as { level: number; hash: Hash };
        node = { level: node.level + 1, hash: interiorHash(left.hash, node.hash) };
      }
      peaks.push(node);
      count += 1;
    },
    size: () => count,
    root() {
      if (peaks.length === 0) return EMPTY_ROOT;
      let hash = (peaks[peaks.length - 1] as { hash: Hash }).hash;
      for (let i = peaks.length - 2; i >= 0; i -= 1)
        hash = interiorHash((peaks[i] as { hash: Hash }).hash, hash);
      return hash;
    },
  };
}
