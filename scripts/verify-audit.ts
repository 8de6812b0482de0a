/**
 * Re-verifies the whole audit log of the configured store (STORE, DATA_DIR, MONGODB_URI), streaming
 * it in pages so memory stays flat however long the log is.
 *
 *   tsx scripts/verify-audit.ts [--expect-head HASH] [--data-dir DIR]
 *
 * Prints the entries checked and the head hash. Exit status: 0 when every entry checks out (and the
 * expected head, if given, is in the chain); 1 when an entry is broken — the first one is named with its
 * seq and reason — or when the expected head is missing (the log was truncated or rewritten since that
 * head was published); 2 for a usage or configuration error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeBreak, GENESIS_HASH } from '../server/audit/audit-schema';
import { createAuditService } from '../server/audit/audit-service';
import { ConfigError, loadConfig } from '../server/config';
import { openStores } from '../server/composition/stores';

class UsageError extends Error {}

function parseOptions(argv: string[]): { expectHead?: string; dataDir?: string } {
  const { values } = parseArgs({
    args: argv,
    options: { 'expect-head': { type: 'string' }, 'data-dir': { type: 'string' } },
  });
  const expectHead = values['expect-head']?.trim().toLowerCase();
  if (expectHead !== undefined && !/^[0-9a-f]{64}$/.test(expectHead)) {
    throw new UsageError(
      `--expect-head must be a SHA-256 in hex (64 characters), not "${values['expect-head']}"`,
    );
  }
  return { expectHead, dataDir: values['data-dir'] };
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const env = { ...process.env, ...(options.dataDir ? { DATA_DIR: options.dataDir } : {}) };
  const config = loadConfig(env);
  // Opening a missing registry would create an empty one, and "0 entries, intact" would be a false comfort.
  const file = path.join(config.DATA_DIR, 'registry.sqlite');
  if (config.STORE === 'sqlite' && !fs.existsSync(file)) throw new UsageError(`No registry at ${file}.`);
  const stores = await openStores(config);
  try {
    const audit = createAuditService({ audit: stores.audit });
    const started = Date.now();
    const result = await audit.verify({ expectHead: options.expectHead });
    const stored = await audit.head();
    const where = stores.kind === 'sqlite' ? `sqlite, ${config.DATA_DIR}` : 'mongo';
    console.log(`audit log (${where}): ${result.entries} entries checked in ${Date.now() - started} ms`);
    console.log(`head: seq ${stored.seq} ${stored.hash}${stored.at ? ` (${stored.at})` : ''}`);

    let ok = true;
    if (result.firstBreak) {
      ok = false;
      console.log(`BROKEN: first broken entry: ${describeBreak(result.firstBreak)}`);
      console.log(
        `last good entry: seq ${result.verifiedHead.seq} ${result.verifiedHead.hash === GENESIS_HASH ? '(none: the chain breaks at its start)' : result.verifiedHead.hash}`,
      );
    }
    const expected = result.expectedHead;
    if (expected) {
      if (expected.found) {
        console.log(`expected head ${expected.hash}: found at seq ${expected.seq ?? 0}`);
      } else if (!result.firstBreak) {
        ok = false;
        console.log(
          `TRUNCATED OR REWRITTEN: expected head ${expected.hash} is not in the chain ` +
            `(entries after seq ${result.verifiedHead.seq} were removed, or the log was rebuilt)`,
        );
      } else {
        console.log(`expected head ${expected.hash}: not found before the break`);
      }
    }
    if (ok) console.log('OK: the chain is intact.');
    return ok ? 0 : 1;
  } finally {
    await stores.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage =
      error instanceof UsageError ||
      error instanceof ConfigError ||
      String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
    console.error(usage ? (error as Error).message : error);
    process.exitCode = 2;
  },
);
