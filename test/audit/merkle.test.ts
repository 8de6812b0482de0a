/**
 * The production Merkle tree (server/audit/merkle.ts) against a reference written here straight from
 * RFC 9162's recursive definitions (§2.1.1 MTH, §2.1.3.1 PATH, §2.1.4.1 PROOF/SUBPROOF), over lists of
 * leaf data. The reference shares no code with production, only node:crypto's SHA-256.
 */
import { createHash } from 'node:crypto';
import {
  consistencyProof,
  createStreamingRoot,
  inclusionProof,
  leafHash,
  nodesOfAppend,
  rootAt,
  siblingsOfAppend,
  verifyConsistency,
  verifyInclusion,
  type Hash,
  type NodeKey,
  type NodeReader,
} from '../../server/audit/merkle';

// ------------------------------------------------------------------------------------------ reference
const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const refLeaf = (d: Buffer) => sha(Buffer.from([0x00]), d);
const refNode = (l: Buffer, r: Buffer) => sha(Buffer.from([0x01]), l, r);
/** k: the largest power of two smaller than n. */
function refK(n: number): number {
  let k = 1;
  while (k << 1 < n) k <<= 1;
  return k;
}
function MTH(D: Buffer[]): Buffer {
  const n = D.length;
  if (n === 0) return sha();
  if (n === 1) return refLeaf(D[0] as Buffer);
  const k = refK(n);
  return refNode(MTH(D.slice(0, k)), MTH(D.slice(k, n)));
}
function PATH(m: number, D: Buffer[]): Buffer[] {
  const n = D.length;
  if (n === 1) return [];
  const k = refK(n);
  if (m < k) return [...PATH(m, D.slice(0, k)), MTH(D.slice(k, n))];
  return [...PATH(m - k, D.slice(k, n)), MTH(D.slice(0, k))];
}
function SUBPROOF(m: number, D: Buffer[], b: boolean): Buffer[] {
  const n = D.length;
  if (m === n) return b ? [] : [MTH(D)];
  const k = refK(n);
  if (m <= k) return [...SUBPROOF(m, D.slice(0, k), b), MTH(D.slice(k, n))];
  return [...SUBPROOF(m - k, D.slice(k, n), false), MTH(D.slice(0, k))];
}
const PROOF = (m: number, D: Buffer[]) => SUBPROOF(m, D, true);
// ------------------------------------------------------------------------------------------------------

const data = (n: number) => Array.from({ length: n }, (_v, i) => Buffer.from(`entry ${i} 条目`, 'utf8'));

/** The node store production appends build, and a reader over it that counts its reads. */
function storeOf(D: Buffer[]): { read: NodeReader; nodes: Map<string, Hash> } {
  const nodes = new Map<string, Hash>();
  const k = (key: NodeKey) => `${key.level}:${key.index}`;
  D.forEach((d, i) => {
    const siblings = siblingsOfAppend(i);
    for (const node of nodesOfAppend(i, leafHash(d), (key) => {
      expect(siblings).toContainEqual(key);
      const hash = nodes.get(k(key));
      if (!hash) throw new Error(`sibling ${k(key)} missing`);
      return hash;
    }))
      nodes.set(k(node), node.hash);
  });
  return { nodes, read: async (keys) => keys.map((key) => nodes.get(k(key))) };
}

const SIZES = Array.from({ length: 64 }, (_v, i) => i + 1);
const hex = (hashes: Buffer[]) => hashes.map((h) => h.toString('hex'));

describe('Merkle tree against the RFC 9162 reference', () => {
  test.each(SIZES)(
    'when a tree of %i leaves is built by appends, then every stored node and every root is the reference MTH',
    async (n) => {
      const D = data(n);
      const { nodes, read } = storeOf(D);
      // Every stored node is the MTH of its aligned range, and nothing else is stored.
      let perfect = 0;
      for (let level = 0; 2 ** level <= n; level += 1) {
        for (let index = 0; (index + 1) * 2 ** level <= n; index += 1) {
          perfect += 1;
          expect(nodes.get(`${level}:${index}`)?.toString('hex')).toBe(
            MTH(D.slice(index * 2 ** level, (index + 1) * 2 ** level)).toString('hex'),
          );
        }
      }
      expect(nodes.size).toBe(perfect);
      // The root at every earlier size is readable from the same store (perfect nodes never change).
      const streaming = createStreamingRoot();
      for (let m = 1; m <= n; m += 1) {
        streaming.add(leafHash(D[m - 1] as Buffer));
        const ref = MTH(D.slice(0, m)).toString('hex');
        expect((await rootAt(m, read)).toString('hex')).toBe(ref);
        expect(streaming.root().toString('hex')).toBe(ref);
      }
      expect((await rootAt(0, read)).toString('hex')).toBe(MTH([]).toString('hex'));
    },
  );

  test.each(SIZES)(
    'when each leaf of a tree of %i is proved, then the proof is the reference PATH and verifies',
    async (n) => {
      const D = data(n);
      const { read } = storeOf(D);
      const root = MTH(D);
      for (let m = 0; m < n; m += 1) {
        const proof = await inclusionProof(m, n, read);
        expect(proof.leafHash.toString('hex')).toBe(refLeaf(D[m] as Buffer).toString('hex'));
        expect(hex(proof.hashes)).toEqual(hex(PATH(m, D)));
        expect(verifyInclusion(m, n, proof.leafHash, proof.hashes, root)).toBe(true);
        // It fails for another leaf, another index, a shorter or altered path, or another root.
        const other = refLeaf(Buffer.from('forged'));
        expect(verifyInclusion(m, n, other, proof.hashes, root)).toBe(false);
        if (n > 1) {
          expect(verifyInclusion((m + 1) % n, n, proof.leafHash, proof.hashes, root)).toBe(false);
          expect(verifyInclusion(m, n, proof.leafHash, proof.hashes.slice(1), root)).toBe(false);
          const altered = proof.hashes.map((h, i) => (i === 0 ? refLeaf(h) : h));
          expect(verifyInclusion(m, n, proof.leafHash, altered, root)).toBe(false);
        }
        expect(verifyInclusion(m, n, proof.leafHash, proof.hashes, MTH(D.slice(0, n - 1)))).toBe(false);
        expect(verifyInclusion(m, n, proof.leafHash, [...proof.hashes, root], root)).toBe(false);
      }
    },
  );

  test.each(SIZES)(
    'when every earlier size of a tree of %i is proved consistent, then the proof is the reference PROOF and verifies',
    async (n) => {
      const D = data(n);
      const { read } = storeOf(D);
      const root = MTH(D);
      for (let m = 1; m <= n; m += 1) {
        const old = MTH(D.slice(0, m));
        const proof = await consistencyProof(m, n, read);
        expect(hex(proof)).toEqual(hex(PROOF(m, D)));
        expect(verifyConsistency(m, n, old, root, proof)).toBe(true);
        if (m < n) {
          // A rewritten past (another old root), another new root, or a cut proof fails.
          const rewritten = MTH([...D.slice(0, m - 1), Buffer.from('rewritten')]);
          expect(verifyConsistency(m, n, rewritten, root, proof)).toBe(false);
          expect(verifyConsistency(m, n, old, MTH(D.slice(0, n - 1)), proof)).toBe(false);
          expect(verifyConsistency(m, n, old, root, proof.slice(0, -1))).toBe(false);
          expect(verifyConsistency(m, n, old, root, [])).toBe(false);
        }
      }
    },
  );

  test('when a proof needs a node the store does not hold, then it says so instead of answering wrong', async () => {
    const D = data(10);
    const { nodes, read } = storeOf(D);
    nodes.delete('1:4');
    await expect(inclusionProof(4, 10, read)).rejects.toThrow('tree node 1/4 is not stored');
    await expect(rootAt(10, read)).rejects.toThrow('is not stored');
  });
});
