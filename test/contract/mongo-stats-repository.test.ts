import { describeWithMongo, sharedMongoStores } from '../helpers/mongo-harness';
import { statsRepositoryContract } from './stats-repository.contract';

describeWithMongo('MongoDB stats repository', () => {
  const shared = sharedMongoStores();
  statsRepositoryContract({
    name: 'mongo',
    options: {},
    async open() {
      const { stores, release } = await shared.lend();
      return { repo: stores.stats, stores, close: release };
    },
  });
});
