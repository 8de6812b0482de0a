/**
 * What `/stats` costs on a large registry: the time to compute its figures once (what each instance does
 * at most every 5 minutes), against a baseline measured in the same run: the same certificate counts read
 * from the rows (json_extract on every document) instead of the statistics index. Also the time to render
 * the page from computed figures (every request between computations), and, for a registry file of an
 * older schema, the one-time migration that builds the index.
 *
 *   tsx scripts/bench/stats.ts [--rows 1000000] [--runs 5]        the cached demo registry of that size
 *   tsx scripts/bench/stats.ts --registry FILE [--runs 5]         a copy of that registry file (any version)
 *
 * Local files only; nothing listens. The copy is removed at the end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { openSqlite } from '../../server/platform/sqlite';
import { createSqliteScanRepository } from '../../server/qr/sqlite-scan-repository';
import { createSqliteStatsRepository } from '../../server/stats/sqlite-stats-repository';
import { renderStatsPage } from '../../server/stats/stats-page';
import { createStatsService } from '../../server/stats/stats-service';
import { ensureRegistry, fmt, intOption, median, removeAbandonedBuilds, CACHE_ROOT } from './support';

async function main() {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '5' },
      registry: { type: 'string' },
    },
  });
  const runs = intOption('runs', values.runs as string, 1);
  let source = values.registry;
  if (!source) {
    fs.mkdirSync(CACHE_ROOT, { recursive: true });
    removeAbandonedBuilds();
    source = (await ensureRegistry(intOption('rows', values.rows as string, 1), false)).file;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certwatch-bench-stats-'));
  try {
    const file = path.join(dir, 'registry.sqlite');
    fs.copyFileSync(source, file);
    for (const suffix of ['-wal', '-shm']) {
      if (fs.existsSync(source + suffix)) fs.copyFileSync(source + suffix, file + suffix);
    }
    const before = new (await import('better-sqlite3')).default(file, { readonly: true });
    const version = before.pragma('user_version', { simple: true }) as number;
    before.close();
    const opening = performance.now();
    const db = openSqlite(dir);
    const migrateMs = performance.now() - opening;
    const rows = (db.prepare('SELECT count(*) AS n FROM certificates').get() as { n: number }).n;
    console.log(
      `registry: ${fmt(rows)} certificates, schema version ${version} -> ${db.pragma('user_version', { simple: true })}`,
    );
    if (version !== db.pragma('user_version', { simple: true })) {
      console.log(`  migration on open (builds the statistics index): ${fmt(migrateMs / 1000, 1)} s`);
    }

    const stats = createStatsService({
      stats: createSqliteStatsRepository(db),
      scans: createSqliteScanRepository(db),
      ttlSeconds: 0,
    });
    const computeMs: number[] = [];
    let figures = await stats.current();
    // The longest the event loop waited during the computations: what a request arriving then waits.
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    for (let i = 0; i < runs; i += 1) {
      const t0 = performance.now();
      figures = await stats.current();
      computeMs.push(performance.now() - t0);
    }
    loop.disable();

    const fromRows = db.prepare(
      `SELECT json_extract(doc, '$.scheme'), json_extract(doc, '$.status'),
         substr(json_extract(doc, '$.issueDate'), 1, 7), count(*)
       FROM certificates NOT INDEXED GROUP BY 1, 2, 3`,
    );
    const baselineMs: number[] = [];
    for (let i = 0; i < Math.min(runs, 3); i += 1) {
      const t0 = performance.now();
      fromRows.all();
      baselineMs.push(performance.now() - t0);
    }

    const ctx = { lang: 'zh' as const, path: '/stats', query: {}, now: Date.now() };
    const renderMs: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 200; i += 1) {
      const t0 = performance.now();
      bytes = renderStatsPage(ctx, figures, 300).length;
      renderMs.push(performance.now() - t0);
    }
    db.close();

    const compute = median(computeMs);
    const baseline = median(baselineMs);
    console.log(`figures computed (all six counts, ${runs} runs): median ${fmt(compute)} ms`);
    console.log(`baseline, certificate counts read from the rows: median ${fmt(baseline)} ms`);
    console.log(`  ratio compute / baseline: ${fmt(compute / baseline, 3)}`);
    console.log(`longest event-loop delay while computing: ${fmt(loop.max / 1e6)} ms`);
    console.log(
      `page rendered from computed figures: median ${fmt(median(renderMs), 2)} ms, ${fmt(bytes)} bytes`,
    );
    console.log(`peak RSS: ${fmt(process.resourceUsage().maxRSS / 1024)} MiB`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
