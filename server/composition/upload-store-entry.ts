/**
 * The module of an upload's storing thread (server/uploads/upload-store-thread.ts). Its stores and rules
 * (upload-store-deps.ts) are loaded once the thread has started its parsing thread, so that both threads
 * load their modules at the same time.
 */
import type { StoreThreadStart } from '../uploads/upload-store-thread';
import { serveUploadStoring, type StoreThreadDeps } from '../uploads/upload-store-worker';

serveUploadStoring((start) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded late on purpose (see above)
  const { openStoreThreadDeps } = require('./upload-store-deps') as {
    openStoreThreadDeps: (start: StoreThreadStart) => StoreThreadDeps;
  };
  return openStoreThreadDeps(start);
});
