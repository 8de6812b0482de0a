import { describeWithMongo, openMongoRepository } from '../helpers/mongo-harness';
import { uploadJobRepositoryContract } from './upload-job-repository.contract';

describeWithMongo('MongoDB upload job repository', () => {
  uploadJobRepositoryContract({
    name: 'mongo',
    options: {},
    open: openMongoRepository((stores) => stores.uploadJobs),
  });
});
