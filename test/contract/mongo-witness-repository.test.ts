import { describeWithMongo, openMongoRepository } from '../helpers/mongo-harness';
import { witnessRepositoryContract } from './witness-repository.contract';

describeWithMongo('MongoDB witness repository', () => {
  witnessRepositoryContract({ name: 'mongo', open: openMongoRepository((stores) => stores.witnesses) });
});
