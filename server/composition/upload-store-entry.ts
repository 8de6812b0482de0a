/**
 * The module of an upload's storing process (server/uploads/upload-store-process.ts). Its stores and rules
 * (upload-store-deps.ts) are loaded once the process has started its parsing thread, so that both threads
 * load their modules at the same time.
 */
import type { StoreProcessStart } from '../uploads/upload-store-process';
import { serveUploadStoring, type StoreProcessDeps } from '../uploads/upload-store-child';

serveUploadStoring((start) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded late on purpose (see above)
  const { openStoreProcessDeps } = require('./upload-store-deps') as {
    openStoreProcessDeps: (start: StoreProcessStart) => StoreProcessDeps;
  };
  return openStoreProcessDeps(start);
});
