import { openMongoStores } from '../../server/platform/mongo';
import { uploadJobRepositoryContract } from './upload-job-repository.contract';

const uri = process.env.MONGODB_URI;
if (!uri) {
  console.warn(
    'MongoDB upload job repository contract SKIPPED: MONGODB_URI is not set (no MongoDB server on this machine). ' +
      'Set MONGODB_URI=mongodb://host:27017 to run it.',
  );
}
const describeWithMongo = uri ? describe : describe.skip;

describeWithMongo('MongoDB upload job repository', () => {
  uploadJobRepositoryContract({
    name: 'mongo',
    options: {},
    async open() {
      const dbName = `certwatch_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
      const stores = await openMongoStores(uri as string, { dbName });
      return {
        repo: stores.uploadJobs,
        async close() {
          await stores.connection.dropDatabase();
          await stores.close();
        },
      };
    },
  });
});
