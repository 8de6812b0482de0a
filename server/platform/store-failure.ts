/**
 * Which errors mean "the registry cannot be reached or written right now" rather than a bug: MongoDB with
 * no server to talk to, a broken connection or a failover under way; SQLite with a full disk, an I/O error
 * or a lock held too long. They are answered 503 STORE_UNAVAILABLE (try again), never a generic 500.
 * Recognised by name and code, so that platform/ needs neither driver.
 */
import { AppError } from './errors';

const MONGO_UNAVAILABLE_NAMES = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MongoWaitQueueTimeoutError',
  'MongoOperationTimeoutError',
]);

/** Server answers during a failover or shutdown: not writable primary, stepped down, shutting down. */
const MONGO_UNAVAILABLE_CODES = new Set([91, 189, 10107, 11600, 11602, 13435, 13436]);

/** SQLite result codes of a store that cannot work now (extended codes start with these). */
const SQLITE_UNAVAILABLE = /^SQLITE_(FULL|IOERR|BUSY|LOCKED|CANTOPEN|READONLY|NOMEM|PROTOCOL)/;

function isUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const { name, code, message } = err as { name?: unknown; code?: unknown; message?: unknown };
  if (typeof name === 'string' && MONGO_UNAVAILABLE_NAMES.has(name)) return true;
  if (name === 'MongoServerError' && typeof code === 'number' && MONGO_UNAVAILABLE_CODES.has(code))
    return true;
  // mongoose with command buffering on (not how connectMongo opens it, but a caller may).
  if (name === 'MongooseError' && typeof message === 'string' && /buffering timed out/.test(message))
    return true;
  return name === 'SqliteError' && typeof code === 'string' && SQLITE_UNAVAILABLE.test(code);
}

/**
 * Whether a write failed only because another writer holds the store's write lock (SQLite SQLITE_BUSY,
 * as when a write that was told not to wait meets an upload's storing process): trying again shortly
 * will do. Anything else (a full disk, a broken connection) is not this.
 */
export function isStoreBusy(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const { name, code } = err as { name?: unknown; code?: unknown };
  return name === 'SqliteError' && typeof code === 'string' && /^SQLITE_BUSY/.test(code);
}

/**
 * STORE_UNAVAILABLE for an error (or any error in its `cause` chain) that means the store is out of reach
 * or out of room; undefined for anything else.
 */
export function storeUnavailable(err: unknown): AppError | undefined {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    if (isUnavailable(e)) {
      return new AppError(
        'STORE_UNAVAILABLE',
        'The registry cannot be reached right now; please try again in a moment.',
        { cause: err },
      );
    }
  }
  return undefined;
}

/** Seconds a client is told to wait (Retry-After) after STORE_UNAVAILABLE. */
export const STORE_RETRY_AFTER_SECONDS = 5;
