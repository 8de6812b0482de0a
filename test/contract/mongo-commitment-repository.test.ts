import { describeWithMongo, openMongoRepository } from '../helpers/mongo-harness';
import { commitmentRepositoryContract } from './commitment-repository.contract';

describeWithMongo('MongoDB commitment repository', () => {
  commitmentRepositoryContract({
    name: 'mongo',
    options: {},
    open: openMongoRepository((stores) => stores.commitments),
  });
});
