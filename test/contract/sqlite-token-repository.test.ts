import { openSqliteRepository } from '../helpers/sqlite-harness';
import fs from 'node:fs';
import { createSqliteTokenRepository } from '../../server/bodies/sqlite-token-repository';
import { openSqlite } from '../../server/platform/sqlite';
import { tempDir } from '../helpers/test-app';
import { tokenRepositoryContract } from './token-repository.contract';

tokenRepositoryContract({
  name: 'sqlite',
  options: {},
  open: openSqliteRepository(createSqliteTokenRepository),
});

describe('SQLite token repository', () => {
  test('when the registry file is reopened, then tokens and their revocations are still there', async () => {
    const dir = tempDir();
    try {
      const token = {
        id: 'AAAAAAAAAAAAAAAA',
        role: 'admin' as const,
        label: 'first admin',
        secretHash: 'a'.repeat(64),
        createdAt: '2026-03-01T08:00:00.000Z',
        createdBy: 'system',
      };
      const first = openSqlite(dir);
      await createSqliteTokenRepository(first).create(token);
      await createSqliteTokenRepository(first).revoke(token.id, '2026-03-02T08:00:00.000Z');
      first.close();
      const second = openSqlite(dir);
      await expect(createSqliteTokenRepository(second).list({})).resolves.toEqual([
        { ...token, revokedAt: '2026-03-02T08:00:00.000Z' },
      ]);
      second.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('when a token was stored before tokens had an inspector column, then it reads back without a link', async () => {
    const dir = tempDir();
    const db = openSqlite(dir);
    try {
      const token = {
        id: 'CCCCCCCCCCCCCCCC',
        role: 'inspector' as const,
        label: 'CQ-SPB-0012',
        secretHash: 'c'.repeat(64),
        createdAt: '2026-03-01T08:00:00.000Z',
        createdBy: 'system',
      };
      // As the adapter wrote rows before the migration: no inspector_id given.
      db.prepare('INSERT INTO tokens (id, body_code, created_at, doc) VALUES (?, NULL, ?, ?)').run(
        token.id,
        token.createdAt,
        JSON.stringify(token),
      );
      const found = await createSqliteTokenRepository(db).findById(token.id);
      expect(found).toEqual(token);
      expect(found).not.toHaveProperty('inspectorId');
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('when a stored row is damaged, then reading it fails loudly instead of returning a half token', async () => {
    const dir = tempDir();
    const db = openSqlite(dir);
    try {
      db.prepare('INSERT INTO tokens (id, body_code, created_at, doc) VALUES (?, NULL, ?, ?)').run(
        'BBBBBBBBBBBBBBBB',
        '2026-03-01T08:00:00.000Z',
        JSON.stringify({ id: 'BBBBBBBBBBBBBBBB', role: 'root' }),
      );
      await expect(createSqliteTokenRepository(db).findById('BBBBBBBBBBBBBBBB')).rejects.toThrow();
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
