/**
 * The audit log's Merkle tree: what it costs an append, and how fast proofs come at a million entries.
 *
 *   tsx scripts/bench/audit.ts [--appends 20000] [--runs 3] [--entries 1000000] [--proofs 2000]
 *
 * 1. Appends/s into a fresh embedded registry through the SQLite audit adapter (chain + tree, one
 *    transaction per append), against the baseline of the same transaction without the tree: the chain-only
 *    append the adapter did before (same statements, same hashing of the chain). Runs alternate; medians.
 * 2. A log of --entries entries is built through the same adapter (appends batched into transactions of
 *    10,000 so that building takes seconds, not minutes: the tree nodes are still the adapter's own), then
 *    --proofs inclusion proofs of random entries and consistency proofs from random sizes, at the full size,
 *    each read from the stored nodes (no answer cache), timed one by one: mean, p50, p99.
 * Bounded, in process, stops by itself; the registry lives in a temp dir removed at the end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  chainEntry,
  changeText,
  digestOf,
  type AuditEntry,
  type AuditRecord,
} from '../../server/audit/audit-schema';
import { createSqliteAuditRepository } from '../../server/audit/sqlite-audit-repository';
import {
  consistencyProof,
  inclusionProof,
  rootAt,
  verifyConsistency,
  verifyInclusion,
  type NodeReader,
} from '../../server/audit/merkle';
import { openSqlite, type SqliteDatabase } from '../../server/platform/sqlite';
import { fmt, intOption, median } from './support';

const { values } = parseArgs({
  options: {
    appends: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '3' },
    entries: { type: 'string', default: '1000000' },
    proofs: { type: 'string', default: '2000' },
  },
});
const APPENDS = intOption('appends', values.appends, 100);
const RUNS = intOption('runs', values.runs, 1);
const ENTRIES = intOption('entries', values.entries, 2);
const PROOFS = intOption('proofs', values.proofs, 1);

const actor = { type: 'token' as const, id: 'tok_body_000001', role: 'body', bodyCode: 'CQC' };
function record(i: number): { record: AuditRecord; change: unknown } {
  const change = { status: { from: 'valid', to: 'suspended' }, reason: '监督审核未通过', i };
  return {
    record: {
      at: new Date(1_790_000_000_000 + i).toISOString(),
      actor,
      action: 'certificate.status',
      target: { type: 'certificate', id: `C-${i % 5000}` },
      digest: digestOf(change),
    },
    change,
  };
}

/** The chain-only append: the adapter's transaction before the tree (the baseline). */
function chainOnlyAppender(db: SqliteDatabase): (r: AuditRecord, change: unknown) => Promise<AuditEntry> {
  const last = db.prepare<[], Pick<AuditEntry, 'seq' | 'hash'>>(
    'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
  );
  const insert = db.prepare(
    'INSERT INTO audit_log (seq, at, actor, action, target_type, target_id, digest, prev_hash, hash, change) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const tx = db.transaction((r: AuditRecord, change: string): AuditEntry => {
    const e = chainEntry(last.get(), r);
    insert.run(
      e.seq,
      e.at,
      JSON.stringify(e.actor),
      e.action,
      e.target.type,
      e.target.id,
      e.digest,
      e.prevHash,
      e.hash,
      change,
    );
    return e;
  });
  return async (r, change) => tx.immediate(r, changeText(change));
}

async function appendsPerSecond(withTree: boolean): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certwatch-bench-audit-'));
  const db = openSqlite(dir);
  try {
    const append = withTree ? createSqliteAuditRepository(db).append : chainOnlyAppender(db);
    // Warm-up (statements, JIT), not counted.
    for (let i = 0; i < 200; i += 1) {
      const { record: r, change } = record(i);
      await append(r, change);
    }
    const started = process.hrtime.bigint();
    for (let i = 200; i < APPENDS + 200; i += 1) {
      const { record: r, change } = record(i);
      await append(r, change);
    }
    return APPENDS / (Number(process.hrtime.bigint() - started) / 1e9);
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

async function proofs(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certwatch-bench-audit-'));
  const db = openSqlite(dir);
  try {
    const repo = createSqliteAuditRepository(db);
    const building = Date.now();
    const batch = db.transaction((from: number, to: number) => {
      // The adapter's append runs its transaction synchronously; inside this one it is a savepoint.
      for (let i = from; i < to; i += 1) {
        const { record: r, change } = record(i);
        void repo.append(r, change);
      }
    });
    for (let from = 0; from < ENTRIES; from += 10_000) {
      batch(from, Math.min(ENTRIES, from + 10_000));
      if (from % 200_000 === 0 && from > 0) console.log(`  built ${fmt(from)} entries`);
    }
    const size = await repo.treeSize();
    console.log(`built a log of ${fmt(size)} entries in ${fmt((Date.now() - building) / 1000, 1)} s`);
    const read: NodeReader = (keys) => repo.treeNodes(keys);
    const root = await rootAt(size, read);
    const time = async (label: string, one: (i: number) => Promise<boolean>) => {
      const us: number[] = [];
      for (let i = 0; i < PROOFS; i += 1) {
        const t0 = process.hrtime.bigint();
        const ok = await one(i);
        us.push(Number(process.hrtime.bigint() - t0) / 1000);
        if (!ok) throw new Error(`${label}: a proof did not verify`);
      }
      us.sort((a, b) => a - b);
      const mean = us.reduce((a, b) => a + b, 0) / us.length;
      console.log(
        `${label.padEnd(34)} mean ${fmt(mean)} µs  p50 ${fmt(quantile(us, 0.5))} µs  p99 ${fmt(quantile(us, 0.99))} µs  max ${fmt(us[us.length - 1] as number)} µs`,
      );
    };
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const checks: (() => boolean)[] = [];
    await time(`inclusion proof at ${fmt(size)}`, async () => {
      const index = random(size);
      const p = await inclusionProof(index, size, read);
      checks.push(() => verifyInclusion(index, size, p.leafHash, p.hashes, root));
      return true;
    });
    const roots = new Map<number, Buffer>();
    await time(`consistency proof to ${fmt(size)}`, async () => {
      const from = 1 + random(size - 1);
      const p = await consistencyProof(from, size, read);
      checks.push(() => {
        const old = roots.get(from);
        if (!old) return true;
        return verifyConsistency(from, size, old, root, p);
      });
      if (roots.size < 50) roots.set(from, await rootAt(from, read));
      return true;
    });
    // Verified after timing (not part of generation), so a fast wrong answer cannot pass.
    const failed = checks.filter((c) => !c()).length;
    if (failed > 0) throw new Error(`${failed} proofs did not verify`);
    console.log(`all ${fmt(checks.length)} proofs verified against the root`);
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`appends: ${fmt(APPENDS)} per run, ${RUNS} runs each, alternating`);
  const withTree: number[] = [];
  const without: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    without.push(await appendsPerSecond(false));
    withTree.push(await appendsPerSecond(true));
    console.log(
      `  run ${run + 1}: chain only ${fmt(without[run] as number)}/s, chain + tree ${fmt(withTree[run] as number)}/s`,
    );
  }
  const ratio = median(withTree) / median(without);
  console.log(
    `appends/s median: chain only ${fmt(median(without))}, chain + tree ${fmt(median(withTree))}; ratio ${fmt(ratio, 2)} (target ≥ 0.8: ${ratio >= 0.8 ? 'met' : 'MISSED'})`,
  );
  await proofs();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
