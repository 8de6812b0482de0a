import { describeWithMongo, openMongoRepository } from '../helpers/mongo-harness';
import { caseRepositoryContract } from './case-repository.contract';

describeWithMongo('MongoDB case repository', () => {
  caseRepositoryContract({ name: 'mongo', options: {}, open: openMongoRepository((stores) => stores.cases) });
});
