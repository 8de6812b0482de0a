import { openMongoStores } from '../../server/platform/mongo';
import { dishonestyRepositoryContract } from './dishonesty-repository.contract';

const uri = process.env.MONGODB_URI;
if (!uri) {
  console.warn(
    'MongoDB dishonesty repository contract SKIPPED: MONGODB_URI is not set (no MongoDB server on this machine). ' +
      'Set MONGODB_URI=mongodb://host:27017 to run it.',
  );
}
const describeWithMongo = uri ? describe : describe.skip;

describeWithMongo('MongoDB dishonesty repository', () => {
  dishonestyRepositoryContract({
    name: 'mongo',
    options: {},
    async open() {
      const dbName = `certwatch_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
      const stores = await openMongoStores(uri as string, { dbName });
      return {
        repo: stores.dishonesty,
        async close() {
          await stores.connection.dropDatabase();
          await stores.close();
        },
      };
    },
  });
});
