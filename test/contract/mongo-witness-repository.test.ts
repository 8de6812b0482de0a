import { describeWithMongo, openMongoRepositoryOnSharedStores } from '../helpers/mongo-harness';
import { witnessRepositoryContract } from './witness-repository.contract';

describeWithMongo('MongoDB witness repository', () => {
  witnessRepositoryContract({
    name: 'mongo',
    open: openMongoRepositoryOnSharedStores((stores) => stores.witnesses),
  });
});
