import { describeWithMongo, openMongoRepository } from '../helpers/mongo-harness';
import { auditorRepositoryContract } from './auditor-repository.contract';

describeWithMongo('MongoDB auditor repository', () => {
  auditorRepositoryContract({
    name: 'mongo',
    options: {},
    open: openMongoRepository((stores) => stores),
  });
});
