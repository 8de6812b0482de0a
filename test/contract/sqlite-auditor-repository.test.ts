import fs from 'node:fs';
import { sqliteStoresOn } from '../../server/composition/stores';
import { openSqlite } from '../../server/platform/sqlite';
import { tempDir } from '../helpers/test-app';
import { auditorRepositoryContract } from './auditor-repository.contract';

auditorRepositoryContract({
  name: 'sqlite',
  options: {},
  async open() {
    const dir = tempDir();
    const stores = sqliteStoresOn(openSqlite(dir));
    return {
      repo: stores,
      async close() {
        await stores.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
