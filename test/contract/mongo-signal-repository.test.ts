import { describeWithMongo, openMongoRepository } from '../helpers/mongo-harness';
import { signalRepositoryContract } from './signal-repository.contract';

describeWithMongo('MongoDB signal repository', () => {
  signalRepositoryContract({
    name: 'mongo',
    options: {},
    open: openMongoRepository((stores) => stores.signals),
  });
});
