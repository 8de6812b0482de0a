import { createSqliteWitnessRepository } from '../../server/audit/sqlite-witness-repository';
import { openSqliteRepository } from '../helpers/sqlite-harness';
import { witnessRepositoryContract } from './witness-repository.contract';

witnessRepositoryContract({ name: 'sqlite', open: openSqliteRepository(createSqliteWitnessRepository) });
