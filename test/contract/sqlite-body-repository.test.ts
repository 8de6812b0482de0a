import { openSqliteRepository } from '../helpers/sqlite-harness';
import fs from 'node:fs';
import { createSqliteBodyRepository } from '../../server/bodies/sqlite-body-repository';
import { openSqlite } from '../../server/platform/sqlite';
import { makeBody } from '../helpers/factories';
import { tempDir } from '../helpers/test-app';
import { bodyRepositoryContract } from './body-repository.contract';

bodyRepositoryContract({
  name: 'sqlite',
  options: {},
  open: openSqliteRepository(createSqliteBodyRepository),
});

describe('SQLite body repository', () => {
  test('when the registry file is reopened, then the bodies are still there', async () => {
    const dir = tempDir();
    try {
      const body = makeBody();
      const first = openSqlite(dir);
      await createSqliteBodyRepository(first).upsert(body);
      await createSqliteBodyRepository(first).touchLastReported(body.code, '2026-03-05T09:30:00.000Z');
      first.close();
      const second = openSqlite(dir);
      await expect(createSqliteBodyRepository(second).list()).resolves.toEqual([
        { ...body, lastReportedAt: '2026-03-05T09:30:00.000Z' },
      ]);
      second.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
