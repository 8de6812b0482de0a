/**
 * `npm run bench:export`: the open-data export of registries of 100,000 and 1,000,000 certificates (the
 * demo registries of the lookup bench, built once and cached), each in a child process of its own so that
 * its peak RSS is its own. The baseline, measured in the same run and the same way: a child that walks the
 * same registry through the same keyset pages and writes nothing. Prints time, rows/s, peak RSS, the
 * export's time against the walk's, and peak RSS at 1M against 100k (target ≤ 1.25: flat memory).
 *
 *   npm run bench:export [-- --sizes 100000,1000000] [--rebuild]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config';
import { createServices } from '../../server/composition/services';
import { openSqliteStores } from '../../server/composition/stores';
import { createLogger } from '../../server/platform/logger';
import { createMemoryCache } from '../../server/platform/memory-cache';
import { REGISTRY_PAGE } from '../../server/opendata/opendata-datasets';
import { BENCH_ORIGIN, ensureRegistry, fmt, PROJECT_ROOT, removeAbandonedBuilds } from './support';

interface ChildResult {
  mode: 'export' | 'walk';
  rows: number;
  seconds: number;
  maxRssMb: number;
  bytes?: number;
}

async function child(mode: 'export' | 'walk', dataDir: string, outDir: string): Promise<void> {
  const config = loadConfig({
    DATA_DIR: dataDir,
    OPEN_DATA_DIR: outDir,
    PUBLIC_BASE_URL: BENCH_ORIGIN,
    LOG_LEVEL: 'silent',
  });
  const stores = openSqliteStores(dataDir);
  const services = createServices({
    config,
    logger: createLogger('silent'),
    stores,
    cache: createMemoryCache(),
  });
  const started = performance.now();
  let rows = 0;
  let bytes: number | undefined;
  if (mode === 'export') {
    const manifest = await services.openData.exportNow();
    rows = manifest.datasets.find((d) => d.name === 'registry')?.rows ?? 0;
    bytes = manifest.datasets.flatMap((d) => d.files).reduce((n, f) => n + f.bytes, 0);
  } else {
    let after: string | undefined;
    for (;;) {
      const page = await stores.certificates.pageByPublicId(after, REGISTRY_PAGE);
      rows += page.length;
      if (page.length < REGISTRY_PAGE) break;
      after = page[page.length - 1]?.publicId;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await services.qr.close();
  services.receipts.close();
  await stores.close();
  const result: ChildResult = {
    mode,
    rows,
    seconds,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    ...(bytes !== undefined ? { bytes } : {}),
  };
  console.log(JSON.stringify(result));
}

function run(mode: 'export' | 'walk', dataDir: string): ChildResult {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'certwatch-export-'));
  try {
    const res = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'export.ts'), '--child', mode, dataDir, outDir],
      { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 30 * 60_000 },
    );
    if (res.status !== 0) throw new Error(`child ${mode} failed: ${res.stderr}`);
    return JSON.parse(res.stdout.trim().split('\n').pop() as string) as ChildResult;
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1] as 'export' | 'walk', args[2] as string, args[3] as string);
  const sizesArg = args.indexOf('--sizes');
  const sizes = sizesArg >= 0 ? (args[sizesArg + 1] as string).split(',').map(Number) : [100_000, 1_000_000];
  removeAbandonedBuilds();
  const results: { size: number; walk: ChildResult; exp: ChildResult }[] = [];
  for (const size of sizes) {
    const registry = await ensureRegistry(size, args.includes('--rebuild'));
    const walk = run('walk', registry.dir);
    const exp = run('export', registry.dir);
    results.push({ size, walk, exp });
    console.log(
      `${fmt(size)} certificates: export ${fmt(exp.seconds, 1)} s (${fmt(exp.rows / exp.seconds)} rows/s, ` +
        `${fmt((exp.bytes ?? 0) / 1e6)} MB written), peak RSS ${fmt(exp.maxRssMb)} MB; ` +
        `baseline walk ${fmt(walk.seconds, 1)} s, peak RSS ${fmt(walk.maxRssMb)} MB; export/walk time ${fmt(exp.seconds / walk.seconds, 2)}`,
    );
  }
  const [small, large] = [results[0], results[results.length - 1]];
  if (small && large && small !== large) {
    const ratio = large.exp.maxRssMb / small.exp.maxRssMb;
    console.log(
      `peak RSS ${fmt(large.size)} / ${fmt(small.size)}: ${fmt(ratio, 2)} (target ≤ 1.25: ${ratio <= 1.25 ? 'met' : 'MISSED'})`,
    );
  }
}

void main();
