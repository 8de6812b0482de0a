import { createSqliteCommitmentRepository } from '../../server/bodies/sqlite-commitment-repository';
import { openSqliteRepository } from '../helpers/sqlite-harness';
import { commitmentRepositoryContract } from './commitment-repository.contract';

commitmentRepositoryContract({
  name: 'sqlite',
  options: {},
  open: openSqliteRepository(createSqliteCommitmentRepository),
});
