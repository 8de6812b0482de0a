/**
 * The first-run command of an embedded install: creates DATA_DIR (mode 0700) with an empty, migrated
 * registry (0600), the first QR signing key and the scan-hash secret (0600 each), then exits.
 * `npm start` refuses a DATA_DIR that does not exist, so that a mistyped path never starts an empty
 * registry answering "not in the registry" for every certificate. Running it again on an existing
 * DATA_DIR changes nothing there.
 *
 *   npm run init [-- --data-dir DIR]
 *
 * Exit status: 0 done, 1 DATA_DIR unusable (a file, not writable), 2 usage or configuration error.
 */
import { parseArgs } from 'node:util';
import { createServices } from '../server/composition/services';
import { openStores } from '../server/composition/stores';
import { ConfigError, loadConfig } from '../server/config';
import { DataDirError, prepareDataDir } from '../server/platform/data-dir';
import { createLogger } from '../server/platform/logger';
import { createMemoryCache } from '../server/platform/memory-cache';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' } } });
  const dataDir = values['data-dir'];
  const config = loadConfig({ ...process.env, ...(dataDir ? { DATA_DIR: dataDir } : {}) });
  const { created } = prepareDataDir(config.DATA_DIR, { create: true });
  const stores = await openStores(config);
  try {
    const services = createServices({
      config,
      logger: createLogger('silent'),
      stores,
      cache: createMemoryCache({ maxEntries: 10 }),
    });
    await services.qr.close();
    const certificates = await stores.certificates.count();
    console.log(
      created
        ? `Created DATA_DIR ${config.DATA_DIR}: an empty registry, a QR signing key and the scan-hash secret.`
        : `DATA_DIR ${config.DATA_DIR} exists already (${certificates} certificates); nothing to create.`,
    );
    console.log(
      'Next: the first admin token, `npm run -s token -- --role admin --label me`, then `npm start`.',
    );
  } finally {
    await stores.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof DataDirError) {
    console.error(error.message);
    process.exit(1);
  }
  if (
    error instanceof ConfigError ||
    String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')
  ) {
    console.error((error as Error).message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
