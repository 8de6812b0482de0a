import { describeWithMongo, openThrowawayMongoStores } from '../helpers/mongo-harness';
import { statsRepositoryContract } from './stats-repository.contract';

describeWithMongo('MongoDB stats repository', () => {
  statsRepositoryContract({
    name: 'mongo',
    options: {},
    async open() {
      const stores = await openThrowawayMongoStores();
      return {
        repo: stores.stats,
        stores,
        async close() {
          await stores.connection.dropDatabase();
          await stores.close();
        },
      };
    },
  });
});
