import { openMongoStores, type MongoStores } from '../../server/composition/mongo-stores';
import { NO_MONGODB } from './skip-reasons';

/** The MongoDB server the Mongo contract suites run against, when one is configured. */
export const mongoUri = process.env.MONGODB_URI;

/**
 * `describe` when MONGODB_URI is set; otherwise the suite is reported skipped and the reason is printed,
 * so a missing server never reads as a pass.
 */
export function describeWithMongo(title: string, suite: () => void): void {
  if (!mongoUri) {
    console.warn(`${title} SKIPPED: ${NO_MONGODB}`);
    describe.skip(title, suite);
    return;
  }
  describe(title, suite);
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
