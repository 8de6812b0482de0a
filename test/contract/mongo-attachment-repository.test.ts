import { describeWithMongo, openMongoRepository } from '../helpers/mongo-harness';
import { attachmentRepositoryContract } from './attachment-repository.contract';

describeWithMongo('MongoDB attachment repository', () => {
  attachmentRepositoryContract({
    name: 'mongo',
    options: {},
    open: openMongoRepository((stores) => stores.attachments),
  });
});
