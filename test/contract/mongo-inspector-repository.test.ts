import { describeWithMongo, openMongoRepository } from '../helpers/mongo-harness';
import { inspectorRepositoryContract } from './inspector-repository.contract';

describeWithMongo('MongoDB inspector repository', () => {
  inspectorRepositoryContract({
    name: 'mongo',
    options: {},
    open: openMongoRepository((stores) => stores.inspectors),
  });
});
