import { describeWithMongo, mongoUri } from '../helpers/mongo-harness';
import { openMongoStores } from '../../server/composition/mongo-stores';
import { drawRepositoryContract } from './draw-repository.contract';

describeWithMongo('MongoDB draw repository', () => {
  drawRepositoryContract({
    name: 'mongo',
    options: {},
    async open() {
      const dbName = `certwatch_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
      const stores = await openMongoStores(mongoUri as string, { dbName });
      return {
        repo: stores.draws,
        certificates: stores.certificates,
        async close() {
          await stores.connection.dropDatabase();
          await stores.close();
        },
      };
    },
  });
});
