import type { SqliteDatabase } from '../platform/sqlite';
import type { AttachmentRepository } from './attachment-repository';
import { attachmentSchema, type Attachment } from './attachment-schema';

/** Attachments in the registry file (table `case_attachments`): `doc` is the JSON, `data` the bytes. */
export function createSqliteAttachmentRepository(db: SqliteDatabase): AttachmentRepository {
  const insert = db.prepare<[string, string, string, string, Buffer]>(
    'INSERT INTO case_attachments (id, case_id, uploaded_at, doc, data) VALUES (?, ?, ?, ?, ?)',
  );
  const ofCase = db.prepare<[string], { doc: string }>(
    'SELECT doc FROM case_attachments WHERE case_id = ? ORDER BY uploaded_at, id',
  );
  const one = db.prepare<[string, string], { doc: string; data: Buffer }>(
    'SELECT doc, data FROM case_attachments WHERE case_id = ? AND id = ?',
  );
  // Checked on the way out: a damaged row fails loudly.
  const toAttachment = (doc: string): Attachment => attachmentSchema.parse(JSON.parse(doc));

  return {
    async create(attachment, data) {
      insert.run(attachment.id, attachment.caseId, attachment.uploadedAt, JSON.stringify(attachment), data);
      return attachment;
    },
    async listByCase(caseId) {
      return ofCase.all(caseId).map((row) => toAttachment(row.doc));
    },
    async find(caseId, id) {
      const row = one.get(caseId, id);
      return row && { attachment: toAttachment(row.doc), data: row.data };
    },
  };
}
