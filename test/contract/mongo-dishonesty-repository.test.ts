import { describeWithMongo, openMongoRepository } from '../helpers/mongo-harness';
import { dishonestyRepositoryContract } from './dishonesty-repository.contract';

describeWithMongo('MongoDB dishonesty repository', () => {
  dishonestyRepositoryContract({
    name: 'mongo',
    options: {},
    open: openMongoRepository((stores) => stores.dishonesty),
  });
});
