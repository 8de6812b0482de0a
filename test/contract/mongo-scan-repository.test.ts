import { describeWithMongo, openMongoRepositoryOnSharedStores } from '../helpers/mongo-harness';
import { scanRepositoryContract } from './scan-repository.contract';

describeWithMongo('MongoDB scan repository', () => {
  scanRepositoryContract({
    name: 'mongo',
    options: {},
    open: openMongoRepositoryOnSharedStores((stores) => stores.scans),
  });
});
