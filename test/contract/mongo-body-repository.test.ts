import { describeWithMongo, openMongoRepository } from '../helpers/mongo-harness';
import { bodyRepositoryContract } from './body-repository.contract';

describeWithMongo('MongoDB body repository', () => {
  bodyRepositoryContract({
    name: 'mongo',
    options: {},
    open: openMongoRepository((stores) => stores.bodies),
  });
});
