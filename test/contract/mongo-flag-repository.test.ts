import { describeWithMongo, openMongoRepository } from '../helpers/mongo-harness';
import { flagRepositoryContract } from './flag-repository.contract';

describeWithMongo('MongoDB flag repository', () => {
  flagRepositoryContract({ name: 'mongo', options: {}, open: openMongoRepository((stores) => stores.flags) });
});
