import { openMongoStores } from '../../server/platform/mongo';
import { inspectorRepositoryContract } from './inspector-repository.contract';

const uri = process.env.MONGODB_URI;
if (!uri) {
  console.warn(
    'MongoDB inspector repository contract SKIPPED: MONGODB_URI is not set (no MongoDB server on this machine). ' +
      'Set MONGODB_URI=mongodb://host:27017 to run it.',
  );
}
const describeWithMongo = uri ? describe : describe.skip;

describeWithMongo('MongoDB inspector repository', () => {
  inspectorRepositoryContract({
    name: 'mongo',
    options: {},
    async open() {
      const dbName = `certwatch_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
      const stores = await openMongoStores(uri as string, { dbName });
      return {
        repo: stores.inspectors,
        async close() {
          await stores.connection.dropDatabase();
          await stores.close();
        },
      };
    },
  });
});
