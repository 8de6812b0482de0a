import fs from 'node:fs';
import { openSqliteStores } from '../../server/composition/stores';
import { tempDir } from '../helpers/test-app';
import { statsRepositoryContract } from './stats-repository.contract';

statsRepositoryContract({
  name: 'sqlite',
  options: {},
  async open() {
    const dir = tempDir();
    const stores = openSqliteStores(dir);
    return {
      repo: stores.stats,
      stores,
      async close() {
        await stores.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
