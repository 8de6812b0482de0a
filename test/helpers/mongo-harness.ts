import { spawnSync } from 'node:child_process';
import { openMongoStores, type MongoStores } from '../../server/composition/mongo-stores';
import { NO_MONGODB, notRealMongoDb } from './skip-reasons';

/** The MongoDB server the Mongo contract suites run against, when one is configured. */
export const mongoUri = process.env.MONGODB_URI;

/** What a suite needs of the server beyond MONGODB_URI being set. */
export interface MongoSuiteNeeds {
  /** It asserts what only a real MongoDB answers (index use through `explain`), not the wire server. */
  realServer?: boolean;
}

/**
 * `describe` when MONGODB_URI is set (and, for `needs.realServer`, when buildInfo shows a real MongoDB);
 * otherwise the suite is reported skipped and the reason is printed, so a missing server never reads as a
 * pass.
 */
export function describeWithMongo(title: string, suite: () => void): void;
export function describeWithMongo(title: string, needs: MongoSuiteNeeds, suite: () => void): void;
export function describeWithMongo(
  title: string,
  ...args: [suite: () => void] | [needs: MongoSuiteNeeds, suite: () => void]
): void {
  const [needs, suite] = args.length === 1 ? [{}, args[0]] : args;
  if (!mongoUri) {
    console.warn(`${title} SKIPPED: ${NO_MONGODB}`);
    describe.skip(title, suite);
    return;
  }
  const server = needs.realServer ? mongoServerIdentity(mongoUri) : undefined;
  if (server && !server.real) {
    console.warn(`${title} SKIPPED: ${notRealMongoDb(server.evidence)}`);
    describe.skip(title, suite);
    return;
  }
  describe(title, suite);
}

/** What a server's `buildInfo` answer says about it: a real mongod/mongos, or something else, and why. */
export interface MongoServerIdentity {
  real: boolean;
  /** The fields the decision rests on, for the skip reason. */
  evidence: string;
}

/**
 * A mongod or mongos answers `buildInfo` with `gitVersion` set to the commit it was built from; the
 * in-memory wire server (../shared/tools/mongo-wire) answers `mingo-wire` (and version `7.0.0-mingo-wire`).
 * A server that forges a commit id is taken as real: its index assertions then fail, never pass.
 */
export function identifyMongoServer(buildInfo: Record<string, unknown>): MongoServerIdentity {
  const { version, gitVersion } = buildInfo;
  return {
    real: typeof gitVersion === 'string' && /^[0-9a-f]{40}$/.test(gitVersion),
    evidence: `buildInfo answers version ${String(version)}, gitVersion ${String(gitVersion)}`,
  };
}

/**
 * Asks the server at `uri` for `buildInfo`. Synchronously, in a child process: jest fixes which tests are
 * skipped while the file declares them, and declaring is synchronous.
 */
function probeMongoServer(uri: string): MongoServerIdentity | undefined {
  const script = `
    const mongoose = require(${JSON.stringify(require.resolve('mongoose'))});
    const conn = mongoose.createConnection(process.argv[1], { serverSelectionTimeoutMS: 5000 });
    conn.asPromise()
      .then(() => conn.db.admin().command({ buildInfo: 1 }))
      .then((info) => process.stdout.write(JSON.stringify(info)))
      .finally(() => conn.close())
      .catch((error) => { process.stderr.write(String(error)); process.exitCode = 1; });`;
  const probe = spawnSync(process.execPath, ['-e', script, uri], { encoding: 'utf8', timeout: 15_000 });
  if (probe.status !== 0) {
    // Unknown is not "not real": the tests then run and fail on the connection, which says more.
    console.warn(`buildInfo from MONGODB_URI failed: ${probe.stderr || probe.error?.message}`);
    return undefined;
  }
  return identifyMongoServer(JSON.parse(probe.stdout) as Record<string, unknown>);
}

const identities = new Map<string, MongoServerIdentity | undefined>();

/** The identity of the server at `uri`, asked once per test file. */
function mongoServerIdentity(uri: string): MongoServerIdentity | undefined {
  if (!identities.has(uri)) identities.set(uri, probeMongoServer(uri));
  return identities.get(uri);
}

/** Opens the stores on a database of their own, dropped on close. */
export async function openThrowawayMongoStores(): Promise<MongoStores> {
  const dbName = `certwatch_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  return openMongoStores(mongoUri as string, { dbName });
}

/** A contract-suite `open` for the repository `pick` selects, on a throwaway database. */
export function openMongoRepository<R>(pick: (stores: MongoStores) => R) {
  return async () => {
    const stores = await openThrowawayMongoStores();
    return {
      repo: pick(stores),
      async close() {
        await stores.connection.dropDatabase();
        await stores.close();
      },
    };
  };
}

/** Stores lent to one test at a time (see `sharedMongoStores`); `release` gives them back. */
export interface LentMongoStores {
  stores: MongoStores;
  release(): Promise<void>;
}

/** Deletes every document of every collection on `stores`, keeping the collections and their indexes. */
async function emptyCollections(stores: MongoStores): Promise<void> {
  const db = stores.connection.db;
  if (!db) throw new Error('MongoDB: not connected');
  const collections = await db.listCollections({}, { nameOnly: true }).toArray();
  await Promise.all(collections.map((c) => db.collection(c.name).deleteMany({})));
}

/**
 * Throwaway stores for the tests of one file, opened once and lent out again: opening stores (a
 * connection, then every collection's indexes reconciled) costs about a second on a busy machine, and
 * emptying them tens of milliseconds. Each `lend` answers stores whose collections are empty, with their
 * indexes in place, as freshly opened stores are; stores lent at the same time are distinct (a second
 * one is opened while the first is out). Call it in a `describe` body: it registers the `afterAll` that
 * drops the databases and closes the connections. Tests of instances racing each other still open
 * stores of their own (`openMongoStores`): the point there is separate connections.
 */
export function sharedMongoStores(): { lend(): Promise<LentMongoStores> } {
  const opened: Promise<MongoStores>[] = [];
  const idle: MongoStores[] = [];
  afterAll(async () => {
    // A failed open has already failed its test; the others are still dropped and closed.
    for (const outcome of await Promise.allSettled(opened)) {
      if (outcome.status !== 'fulfilled') continue;
      await outcome.value.connection.dropDatabase();
      await outcome.value.close();
    }
  });
  return {
    async lend() {
      let stores = idle.pop();
      if (stores) {
        await emptyCollections(stores);
      } else {
        const opening = openThrowawayMongoStores();
        opened.push(opening);
        stores = await opening;
      }
      const lent = stores;
      let released = false;
      return {
        stores: lent,
        async release() {
          if (released) return;
          released = true;
          idle.push(lent);
        },
      };
    },
  };
}

/**
 * A contract-suite `open` for the repository `pick` selects, on stores shared by the file's tests
 * (`sharedMongoStores`): every open still starts from empty collections.
 */
export function openMongoRepositoryOnSharedStores<R>(pick: (stores: MongoStores) => R) {
  const shared = sharedMongoStores();
  return async () => {
    const { stores, release } = await shared.lend();
    return { repo: pick(stores), close: release };
  };
}
