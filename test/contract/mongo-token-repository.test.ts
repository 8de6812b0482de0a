import { describeWithMongo, openMongoRepository } from '../helpers/mongo-harness';
import { tokenRepositoryContract } from './token-repository.contract';

describeWithMongo('MongoDB token repository', () => {
  tokenRepositoryContract({
    name: 'mongo',
    options: {},
    open: openMongoRepository((stores) => stores.tokens),
  });
});
