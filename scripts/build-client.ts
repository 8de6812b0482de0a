/**
 * Bundles the browser client with esbuild: client/src/main.ts → client/public/app.js and the jsQR
 * decoder worker client/src/scan-worker.ts → client/public/scan-worker.js, and the inspector console
 * client/src/inspect/main.ts → client/public/inspect.js, and the receipt page's check
 * client/src/receipt/main.ts → client/public/receipt.js, and the body portal client/src/body/main.ts →
 * client/public/body.js (served at /assets/). All are minified IIFEs with
 * no inline code, as the CSP requires. Prints the gzipped sizes.
 *
 *   npx tsx scripts/build-client.ts            build once
 *   npx tsx scripts/build-client.ts --watch    rebuild on change
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { PROJECT_ROOT } from '../server/platform/paths';

const OUT_DIR = path.join(PROJECT_ROOT, 'client', 'public');
export const CLIENT_OUTPUTS = ['app.js', 'scan-worker.js', 'inspect.js', 'receipt.js', 'body.js'].map((f) =>
  path.join(OUT_DIR, f),
);

function options(): esbuild.BuildOptions {
  return {
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [
      { in: 'client/src/main.ts', out: 'app' },
      { in: 'client/src/scan-worker.ts', out: 'scan-worker' },
      // The inspector console (/inspect), apart: the public pages never load it.
      { in: 'client/src/inspect/main.ts', out: 'inspect' },
      // The receipt page's own check (/receipts), apart: the result page never loads it.
      { in: 'client/src/receipt/main.ts', out: 'receipt' },
      // The certifying bodies' portal (/body), apart: only bodies' clerks load it.
      { in: 'client/src/body/main.ts', out: 'body' },
    ],
    outdir: OUT_DIR,
    bundle: true,
    format: 'iife',
    minify: true,
    // Phones a few years old: Safari 15 and Chrome 90 run this without transpiling helpers.
    target: ['es2020', 'chrome90', 'safari15', 'firefox90'],
    platform: 'browser',
    legalComments: 'none',
    // Chinese texts as UTF-8 (3 bytes a character) rather than \u escapes (6); served with charset=UTF-8.
    charset: 'utf8',
    sourcemap: false,
    logLevel: 'warning',
    tsconfig: 'client/tsconfig.json',
  };
}

export interface BuiltFile {
  file: string;
  bytes: number;
  gzipBytes: number;
}

/** Builds the bundles; returns each output's size. */
export async function buildClient(): Promise<BuiltFile[]> {
  await esbuild.build(options());
  return CLIENT_OUTPUTS.map((file) => {
    const content = fs.readFileSync(file);
    return {
      file: path.relative(PROJECT_ROOT, file),
      bytes: content.length,
      gzipBytes: gzipSync(content, { level: 9 }).length,
    };
  });
}

async function main(): Promise<void> {
  if (process.argv.includes('--watch')) {
    const context = await esbuild.context(options());
    await context.watch();
    console.log('watching client/src …');
    return;
  }
  const files = await buildClient();
  for (const f of files) {
    console.log(
      `${f.file}: ${(f.bytes / 1024).toFixed(1)} kB, ${(f.gzipBytes / 1024).toFixed(1)} kB gzipped`,
    );
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
