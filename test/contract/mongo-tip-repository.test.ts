import { describeWithMongo, openMongoRepository } from '../helpers/mongo-harness';
import { tipRepositoryContract } from './tip-repository.contract';

describeWithMongo('MongoDB tip repository', () => {
  tipRepositoryContract({ name: 'mongo', options: {}, open: openMongoRepository((stores) => stores.tips) });
});
