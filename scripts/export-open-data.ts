/**
 * `npm run export`: exports the open data now (every dataset, checksums, the day's checkpoint) into
 * OPEN_DATA_DIR (or DATA_DIR/open-data) and switches the portal to it; a running portal serves the new
 * files at once (it reads current.json). Prints the manifest's summary. Exit 1 when an export runs already.
 */
import { loadConfig } from '../server/config';
import { createServices } from '../server/composition/services';
import { openStores } from '../server/composition/stores';
import { createLogger } from '../server/platform/logger';
import { createMemoryCache } from '../server/platform/memory-cache';
import { isAppError } from '../server/platform/errors';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const stores = await openStores(config, logger);
  const services = createServices({ config, logger, stores, cache: createMemoryCache() });
  try {
    const started = performance.now();
    const manifest = await services.openData.exportNow();
    for (const d of manifest.datasets) {
      for (const f of d.files) console.log(`${f.sha256}  ${f.file}  (${d.rows} rows, ${f.bytes} bytes)`);
    }
    if (manifest.checkpoint) console.log(`${manifest.checkpoint.sha256}  ${manifest.checkpoint.file}`);
    console.log(
      `open data ${manifest.generation} exported in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  } catch (err) {
    if (isAppError(err) && err.code === 'OPEN_DATA_EXPORT_RUNNING') {
      console.error('An open-data export is running already (lock file in the open-data directory).');
      process.exitCode = 1;
    } else throw err;
  } finally {
    await services.qr.close();
    services.receipts.close();
    await stores.close();
  }
}

void main();
