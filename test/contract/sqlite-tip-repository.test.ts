import { createSqliteTipRepository } from '../../server/tips/sqlite-tip-repository';
import { eachSqliteFile, openSqliteRepository } from '../helpers/sqlite-harness';
import { makeTip, PNG_BYTES, tipRepositoryContract } from './tip-repository.contract';

tipRepositoryContract({ name: 'sqlite', options: {}, open: openSqliteRepository(createSqliteTipRepository) });

describe('SQLite tip repository', () => {
  const file = eachSqliteFile();

  test('when a tip or its photo is edited or deleted behind the adapter, then the registry file itself refuses', async () => {
    const repo = createSqliteTipRepository(file.db);
    const tip = makeTip({ hasPhoto: true });
    await repo.create(tip, { contentType: 'image/png', data: PNG_BYTES });
    const attempts = [
      "UPDATE tips SET doc = json_set(doc, '$.description', 'changed') WHERE id = ?",
      "UPDATE tips SET received_at = '2030-01-01T00:00:00.000Z' WHERE id = ?",
      "UPDATE tips SET reference = 'T-20300101-00000000' WHERE id = ?",
      'DELETE FROM tips WHERE id = ?',
      "UPDATE tip_photos SET content_type = 'text/html' WHERE tip_id = ?",
      'DELETE FROM tip_photos WHERE tip_id = ?',
    ];
    for (const sql of attempts)
      expect(() => file.db.prepare(sql).run(tip.id)).toThrow(/never|kept as received/);
    await expect(repo.findById(tip.id)).resolves.toEqual(tip);
    expect((await repo.findPhoto(tip.id))?.contentType).toBe('image/png');
  });

  test('when a stored row is damaged, then reading it fails loudly instead of returning half a tip', async () => {
    file.db
      .prepare(
        `INSERT INTO tips (id, reference, state, case_id, received_at, doc)
       VALUES ('AAAAAAAAAAAAAAAAAAAAAA', 'T-20260302-AAAAAAAA', 'new', NULL, '2026-03-02T00:00:00.000Z', ?)`,
      )
      .run(JSON.stringify({ id: 'AAAAAAAAAAAAAAAAAAAAAA', category: 'counterfeit' }));
    await expect(createSqliteTipRepository(file.db).findById('AAAAAAAAAAAAAAAAAAAAAA')).rejects.toThrow();
  });
});
