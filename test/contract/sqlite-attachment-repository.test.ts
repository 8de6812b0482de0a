import { createSqliteAttachmentRepository } from '../../server/cases/sqlite-attachment-repository';
import { eachSqliteFile, openSqliteRepository } from '../helpers/sqlite-harness';
import { attachmentRepositoryContract, makeAttachment } from './attachment-repository.contract';

attachmentRepositoryContract({
  name: 'sqlite',
  options: {},
  open: openSqliteRepository(createSqliteAttachmentRepository),
});

describe('SQLite attachment repository', () => {
  const file = eachSqliteFile();

  test('when an attachment is edited or deleted behind the adapter, then the registry file itself refuses', async () => {
    const repo = createSqliteAttachmentRepository(file.db);
    const { attachment, data } = makeAttachment();
    await repo.create(attachment, data);
    for (const sql of [
      "UPDATE case_attachments SET data = x'00' WHERE id = ?",
      "UPDATE case_attachments SET doc = '{}' WHERE id = ?",
      'DELETE FROM case_attachments WHERE id = ?',
    ]) {
      expect(() => file.db.prepare(sql).run(attachment.id)).toThrow(/never/);
    }
    expect((await repo.find(attachment.caseId, attachment.id))?.data.equals(data)).toBe(true);
  });
});
