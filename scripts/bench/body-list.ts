/**
 * What a body's list of its own certificates (GET /api/v1/bodies/:code/certificates) costs on a large
 * body: the first page, a page deep in the list (keyset) against a baseline from the same run (the same
 * page read with OFFSET, what a page number would cost), a filtered walk whose status matches nothing
 * (the worst case: the whole body's range is read) against the body's counts by status (one pass over
 * the same rows, what the public body page already costs), and the capped count, with and without a status.
 *
 *   tsx scripts/bench/body-list.ts [--certificates 50000] [--runs 7]
 *
 * A fresh SQLite file in a temp dir, removed at the end; nothing listens. Figures, not a test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CertificateData } from '../../server/certificates/certificate-schema';
import { createSqliteCertificateRepository } from '../../server/certificates/sqlite-certificate-repository';
import { MAX_KEYSET_COUNT } from '../../server/platform/keyset';
import { openSqlite } from '../../server/platform/sqlite';
import { fmt, intOption, median } from './support';

const BODY = 'BENCHLIST';
const TODAY = '2026-01-01';
const PAGE = 20;

function report(i: number, bodyCode: string): CertificateData {
  return {
    number: `BL-${String(i).padStart(7, '0')}`,
    bodyCode,
    scheme: 'QMS',
    holder: { name: `重庆列表测试第${i}精密机械有限公司`, creditCode: '91500000MA5U000000' },
    scope: '精密机械零部件的设计和生产',
    issueDate: '2024-01-10',
    // One in ten past expiry: the list shows them expired.
    expiryDate: i % 10 === 0 ? '2025-06-30' : '2027-01-09',
    status: 'valid',
  };
}

async function timed(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm: statements prepared, pages in the cache
  const ms: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

async function main() {
  const { values } = parseArgs({
    options: {
      certificates: { type: 'string', default: '50000' },
      runs: { type: 'string', default: '7' },
    },
  });
  const n = intOption('certificates', values.certificates as string, 100);
  const runs = intOption('runs', values.runs as string, 1);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certwatch-bench-body-list-'));
  try {
    const db = openSqlite(dir);
    const repo = createSqliteCertificateRepository(db);
    const t0 = performance.now();
    for (let start = 0; start < n; start += 1000) {
      const batch = Array.from({ length: Math.min(1000, n - start) }, (_, k) => report(start + k, BODY));
      await repo.upsertMany(batch, '2026-03-01T00:00:00.000Z');
    }
    // Another body as large, whose numbers interleave: the list must never read them.
    for (let start = 0; start < n; start += 1000) {
      const batch = Array.from({ length: Math.min(1000, n - start) }, (_, k) =>
        report(start + k, 'BENCHOTHER'),
      );
      await repo.upsertMany(batch, '2026-03-01T00:00:00.000Z');
    }
    db.exec('ANALYZE');
    console.log(
      `registry: ${fmt(2 * n)} certificates, ${fmt(n)} of body ${BODY} (stored in ${fmt((performance.now() - t0) / 1000, 1)} s)`,
    );

    const all = { bodyCode: BODY, today: TODAY };
    const deep = Math.floor(n * 0.8);
    const deepAfter = report(deep - 1, BODY).number;
    const offsetPage = db.prepare(
      'SELECT id, doc FROM certificates WHERE body_code = ? ORDER BY number LIMIT ? OFFSET ?',
    );

    const first = await timed(runs, () => repo.listByBody(all, { limit: PAGE + 1 }));
    const keysetDeep = await timed(runs, () => repo.listByBody(all, { after: deepAfter, limit: PAGE + 1 }));
    const offsetDeep = await timed(runs, async () => offsetPage.all(BODY, PAGE + 1, deep));
    const emptyWalk = await timed(runs, () =>
      repo.listByBody({ ...all, status: 'withdrawn' }, { limit: PAGE + 1 }),
    );
    const expiredPage = await timed(runs, () =>
      repo.listByBody({ ...all, status: 'expired' }, { limit: PAGE + 1 }),
    );
    const count = await timed(runs, () => repo.countByBody(all, MAX_KEYSET_COUNT + 1));
    const countStatus = await timed(runs, () =>
      repo.countByBody({ ...all, status: 'expired' }, MAX_KEYSET_COUNT + 1),
    );
    // Baseline of the walks: the body's counts by status (its body page), one pass over the same rows.
    const byStatus = await timed(runs, () => repo.countByStatus(BODY, TODAY));
    const counted = await repo.countByBody(all, MAX_KEYSET_COUNT + 1);
    db.close();

    console.log(`medians of ${runs} runs, pages of ${PAGE} (+1 to see whether a page follows):`);
    console.log(`  page 1: ${fmt(first, 2)} ms`);
    console.log(`  page at ${fmt(deep)} (keyset, after a number): ${fmt(keysetDeep, 2)} ms`);
    console.log(`  baseline, the same page by OFFSET ${fmt(deep)}: ${fmt(offsetDeep, 2)} ms`);
    console.log(`    ratio keyset / offset: ${fmt(keysetDeep / offsetDeep, 3)}`);
    console.log(`  status filter matching nothing (walks the whole body): ${fmt(emptyWalk, 2)} ms`);
    console.log(`  baseline, the body's counts by status (one pass over its rows): ${fmt(byStatus, 2)} ms`);
    console.log(`    ratio walk / baseline: ${fmt(emptyWalk / byStatus, 3)}`);
    console.log(`  status filter "expired" (one in ten), page 1: ${fmt(expiredPage, 2)} ms`);
    console.log(
      `  count, no filter (capped at ${fmt(MAX_KEYSET_COUNT)}, answered ${fmt(counted)}): ${fmt(count, 2)} ms`,
    );
    console.log(`  count, status "expired" (capped): ${fmt(countStatus, 2)} ms`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
