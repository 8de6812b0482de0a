import type { AuditRepository, StoredAuditEntry } from '../../server/audit/audit-repository';
import {
  checkEntry,
  digestOf,
  entryHash,
  GENESIS_HASH,
  type Actor,
  type AuditEntry,
  type AuditRecord,
} from '../../server/audit/audit-schema';
import { createAuditService } from '../../server/audit/audit-service';
import {
  createStreamingRoot,
  entryBytes,
  inclusionProof,
  leafHash,
  rootAt,
  verifyInclusion,
} from '../../server/audit/merkle';

export interface AuditRepositoryHarness {
  name: string;
  /** A repository on an empty log of its own; `close` releases it and removes what the test stored. */
  open(): Promise<{ repo: AuditRepository; close(): Promise<void> }>;
}

const ADMIN: Actor = { type: 'token', id: 'tok_admin_0001', role: 'admin' };

let clock = Date.parse('2026-03-05T01:00:00.000Z');
/** A record of `action` on `target`, with the digest of `change`, at a time later than the last one. */
function record(
  action: string,
  change: unknown,
  target = { type: 'certificate', id: 'C-1' },
  actor: Actor = ADMIN,
): AuditRecord {
  clock += 1000;
  return { at: new Date(clock).toISOString(), actor, action, target, digest: digestOf(change) };
}

async function all(iterable: AsyncIterable<StoredAuditEntry>): Promise<StoredAuditEntry[]> {
  const out: StoredAuditEntry[] = [];
  for await (const entry of iterable) out.push(entry);
  return out;
}

/** Asserts that `entries` are one unbroken chain from the genesis hash, seq 1..n. */
export function expectOneChain(entries: StoredAuditEntry[]): void {
  let previous: AuditEntry | undefined;
  for (const entry of entries) {
    expect(checkEntry(previous, entry, entry.change)).toBeUndefined();
    previous = entry;
  }
  expect(entries.map((e) => e.seq)).toEqual(entries.map((_e, i) => i + 1));
}

/**
 * Asserts that the repository's stored tree is the tree of its entries: its size is the entry count and
 * its root the root recomputed from the entries themselves, and a proof read from it verifies.
 */
export async function expectTreeOfEntries(repo: AuditRepository): Promise<void> {
  const entries = await all(repo.entries(1, 500));
  const recomputed = createStreamingRoot();
  for (const { change: _c, ...entry } of entries) recomputed.add(leafHash(entryBytes(entry)));
  await expect(repo.treeSize()).resolves.toBe(entries.length);
  const read = (keys: Parameters<AuditRepository['treeNodes']>[0]) => repo.treeNodes(keys);
  const root = await rootAt(entries.length, read);
  expect(root.toString('hex')).toBe(recomputed.root().toString('hex'));
  if (entries.length > 0) {
    const last = entries.length - 1;
    const proof = await inclusionProof(last, entries.length, read);
    expect(verifyInclusion(last, entries.length, proof.leafHash, proof.hashes, root)).toBe(true);
  }
}

/** The behaviour every `AuditRepository` adapter must have; each adapter's test file calls this. */
export function auditRepositoryContract(harness: AuditRepositoryHarness): void {
  describe(`AuditRepository contract: ${harness.name}`, () => {
    let repo: AuditRepository;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ repo, close } = await harness.open());
    });
    afterEach(async () => {
      await close();
    });

    test('when the log is empty, then there is no head, no entry and nothing for any target', async () => {
      await expect(repo.head()).resolves.toBeUndefined();
      await expect(all(repo.entries(1, 10))).resolves.toEqual([]);
      await expect(repo.forTarget('certificate', 'C-1', 10)).resolves.toEqual([]);
    });

    test('when the first entry is appended, then it is seq 1, chained to the genesis hash, and the head', async () => {
      const first = record('certificate.status', { status: 'suspended' });
      const entry = await repo.append(first, { status: 'suspended' });
      const { hash, ...unhashed } = entry;
      expect(entry).toEqual({
        ...first,
        seq: 1,
        prevHash: GENESIS_HASH,
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(hash).toBe(entryHash(unhashed));
      await expect(repo.head()).resolves.toEqual(entry);
    });

    test('when entries are appended one after another, then each carries the hash of the one before', async () => {
      const appended: AuditEntry[] = [];
      for (let i = 0; i < 5; i += 1) appended.push(await repo.append(record('body.update', { i }), { i }));
      const stored = await all(repo.entries(1, 100));
      expect(stored.map(({ change: _c, ...e }) => e)).toEqual(appended);
      for (let i = 1; i < stored.length; i += 1) expect(stored[i]?.prevHash).toBe(stored[i - 1]?.hash);
      expectOneChain(stored);
      await expect(repo.head()).resolves.toEqual(appended[4]);
    });

    test('when 100 appends run at once, then they form one chain 1..100 with no gap and no fork', async () => {
      const appended = await Promise.all(
        Array.from({ length: 100 }, (_v, i) =>
          repo.append(record('upload.finish', { job: i }, { type: 'upload', id: `J-${i}` }), { job: i }),
        ),
      );
      expect(appended.map((e) => e.seq).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 100 }, (_v, i) => i + 1),
      );
      const stored = await all(repo.entries(1, 30));
      expect(stored).toHaveLength(100);
      expectOneChain(stored);
      // Each caller got back the entry that was stored for its own change.
      for (const entry of appended) {
        expect(stored[entry.seq - 1]).toEqual({
          ...entry,
          change: { job: Number(entry.target.id.slice(2)) },
        });
      }
      await expect(repo.head()).resolves.toMatchObject({ seq: 100, hash: stored[99]?.hash });
    });

    test('when several entries are appended at once (appendMany), then they follow the head in the order given, chained, each with its change, and the tree is the tree of the entries', async () => {
      await repo.append(record('body.update', { before: true }), { before: true });
      const items = Array.from({ length: 7 }, (_v, i) => ({
        record: record('signal.raise', { i }, { type: 'signal', id: `S-${i}` }),
        change: { i },
      }));
      const appended = await repo.appendMany(items);
      expect(appended.map((e) => [e.seq, e.target.id])).toEqual(
        items.map((item, i) => [i + 2, item.record.target.id]),
      );
      const stored = await all(repo.entries(1, 3));
      expect(stored).toHaveLength(8);
      expectOneChain(stored);
      for (const entry of appended)
        expect(stored[entry.seq - 1]).toEqual({ ...entry, change: { i: entry.seq - 2 } });
      await expect(repo.head()).resolves.toEqual(appended[6]);
      await expectTreeOfEntries(repo);
    });

    test('when appendMany is given no entry, then nothing is appended', async () => {
      await expect(repo.appendMany([])).resolves.toEqual([]);
      await expect(repo.head()).resolves.toBeUndefined();
    });

    test('when batches and single appends run at once, then they form one chain with no gap and no fork, each batch in its order', async () => {
      const batches = Array.from({ length: 6 }, (_v, b) =>
        repo.appendMany(
          Array.from({ length: 5 }, (_w, i) => ({
            record: record('signal.raise', { b, i }, { type: 'signal', id: `B${b}-${i}` }),
            change: { b, i },
          })),
        ),
      );
      const singles = Array.from({ length: 10 }, (_v, i) =>
        repo.append(record('upload.finish', { job: i }, { type: 'upload', id: `J-${i}` }), { job: i }),
      );
      const [many] = await Promise.all([Promise.all(batches), Promise.all(singles)]);
      const stored = await all(repo.entries(1, 7));
      expect(stored).toHaveLength(40);
      expectOneChain(stored);
      for (const batch of many) {
        const seqs = batch.map((e) => e.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        for (const entry of batch) expect(stored[entry.seq - 1]?.hash).toBe(entry.hash);
      }
      await expectTreeOfEntries(repo);
    });

    test('when entries are read in pages, then every entry comes once, in order, across page boundaries', async () => {
      for (let i = 1; i <= 23; i += 1) await repo.append(record('token.issue', { i }), { i });
      const seqs = async (from: number, size: number) =>
        (await all(repo.entries(from, size))).map((e) => e.seq);
      const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_v, i) => from + i);
      await expect(seqs(1, 10)).resolves.toEqual(range(1, 23));
      await expect(seqs(1, 23)).resolves.toEqual(range(1, 23));
      await expect(seqs(1, 1)).resolves.toEqual(range(1, 23));
      await expect(seqs(8, 5)).resolves.toEqual(range(8, 23));
      await expect(seqs(21, 3)).resolves.toEqual(range(21, 23));
      await expect(seqs(23, 10)).resolves.toEqual([23]);
      await expect(seqs(24, 10)).resolves.toEqual([]);
    });

    test('when entries are appended during a paged walk, then the walk reaches them too', async () => {
      for (let i = 1; i <= 4; i += 1) await repo.append(record('token.issue', { i }), { i });
      const seen: number[] = [];
      for await (const entry of repo.entries(1, 2)) {
        seen.push(entry.seq);
        if (entry.seq === 2) await repo.append(record('token.revoke', { late: true }), { late: true });
      }
      expect(seen).toEqual([1, 2, 3, 4, 5]);
    });

    test('when entries about a target are asked for, then only its own come, newest first, at most limit', async () => {
      const mine = { type: 'certificate', id: 'CERT-A' };
      for (let i = 0; i < 6; i += 1) {
        await repo.append(record('certificate.status', { i }, mine), { i });
        await repo.append(record('certificate.status', { i }, { type: 'certificate', id: 'CERT-B' }), { i });
        await repo.append(record('body.update', { i }, { type: 'body', id: 'CERT-A' }), { i });
      }
      const three = await repo.forTarget('certificate', 'CERT-A', 3);
      expect(three.map((e) => e.seq)).toEqual([16, 13, 10]);
      expect(three.map((e) => e.change)).toEqual([{ i: 5 }, { i: 4 }, { i: 3 }]);
      for (const e of three) expect(e.target).toEqual(mine);
      await expect(repo.forTarget('certificate', 'CERT-A', 100)).resolves.toHaveLength(6);
      await expect(repo.forTarget('certificate', 'CERT-C', 10)).resolves.toEqual([]);
    });

    test('when a change is appended, then it is kept as given and its digest taken over its canonical form', async () => {
      const change = {
        status: { from: 'valid', to: 'revoked' },
        reason: '监督抽查不合格，撤销证书',
        effectiveDate: '2026-03-05',
        rows: [1, 2.5, -3, null, true, 'x'],
        nested: { z: 1, a: [{ b: 'c' }] },
      };
      // Key order is not part of a change: the same change written in another order has the same digest.
      const reordered = {
        nested: { a: [{ b: 'c' }], z: 1 },
        rows: change.rows,
        effectiveDate: '2026-03-05',
        reason: change.reason,
        status: change.status,
      };
      const entry = await repo.append(record('certificate.status', change), change);
      expect(entry.digest).toBe(digestOf(reordered));
      const [stored] = await all(repo.entries(1, 10));
      expect(stored).toEqual({ ...entry, change });
      const [byTarget] = await repo.forTarget('certificate', 'C-1', 1);
      expect(byTarget).toEqual({ ...entry, change });
    });

    test('when a change is empty or has undefined members, then what is kept still matches its digest', async () => {
      await repo.append(record('upload.confirm', undefined), undefined);
      await repo.append(record('upload.confirm', null), null);
      await repo.append(record('token.revoke', { reason: undefined, id: 't1' }), {
        reason: undefined,
        id: 't1',
      });
      const stored = await all(repo.entries(1, 10));
      expect(stored.map((e) => e.change)).toEqual([null, null, { id: 't1' }]);
      expectOneChain(stored);
    });

    test('when the actor has unset fields, then the entry is stored without them and still verifies', async () => {
      const actor: Actor = { type: 'token', id: 'tok_body_0001', role: 'body', bodyCode: undefined };
      const entry = await repo.append(
        record('upload.finish', { n: 1 }, { type: 'upload', id: 'J-1' }, actor),
        { n: 1 },
      );
      expect(entry.actor).toEqual({ type: 'token', id: 'tok_body_0001', role: 'body' });
      expect(Object.keys(entry.actor)).not.toContain('bodyCode');
      const [stored] = await all(repo.entries(1, 10));
      expect(stored?.actor).toEqual(entry.actor);
      expectOneChain(stored ? [stored] : []);
    });

    test('when the log is empty, then the tree has no leaf and no node', async () => {
      await expect(repo.treeSize()).resolves.toBe(0);
      await expect(repo.treeNodes([{ level: 0, index: 0 }])).resolves.toEqual([undefined]);
    });

    test('when entries are appended one by one, then after each the stored tree is the tree of the entries', async () => {
      for (let i = 1; i <= 9; i += 1) {
        await repo.append(record('certificate.status', { i }), { i });
        await expectTreeOfEntries(repo);
      }
      // Leaves are the entries' chain bytes; perfect nodes up to 8 leaves are stored, none beyond the log.
      const [first] = await all(repo.entries(1, 1));
      const { change: _c, ...entry } = first as StoredAuditEntry;
      const nodes = await repo.treeNodes([
        { level: 0, index: 0 },
        { level: 3, index: 0 },
        { level: 0, index: 9 },
        { level: 1, index: 4 },
      ]);
      expect(nodes[0]?.toString('hex')).toBe(leafHash(entryBytes(entry)).toString('hex'));
      expect(nodes[1]).toHaveLength(32);
      expect(nodes.slice(2)).toEqual([undefined, undefined]);
    });

    test('when 60 appends run at once, then the stored tree is still the tree of the entries', async () => {
      await Promise.all(
        Array.from({ length: 60 }, (_v, i) =>
          repo.append(record('upload.finish', { job: i }, { type: 'upload', id: `J-${i}` }), { job: i }),
        ),
      );
      await expectTreeOfEntries(repo);
    });

    test('when the audit service verifies an intact log, then every entry checks out and the head matches', async () => {
      const service = createAuditService({ audit: repo });
      await expect(service.verify()).resolves.toEqual({
        entries: 0,
        verifiedHead: { seq: 0, hash: GENESIS_HASH },
      });
      for (let i = 0; i < 12; i += 1)
        await service.record(ADMIN, 'body.update', { type: 'body', id: 'B1' }, { i });
      const head = await service.head();
      const result = await service.verify({ pageSize: 5, expectHead: head.hash });
      expect(result).toEqual({
        entries: 12,
        verifiedHead: head,
        expectedHead: { hash: head.hash, found: true, seq: 12 },
      });
    });
  });
}
