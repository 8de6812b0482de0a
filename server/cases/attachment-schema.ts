/**
 * Evidence attachments of a case (证据附件): photos (JPEG, PNG, WebP) and PDF documents an inspector adds
 * to an open case. The type is what the bytes are, never what a file name or a header says; the bytes
 * are stored once and never changed.
 */
import { z } from 'zod';
import { hasForbiddenCharacters } from '../platform/normalize';
import { workflowIdSchema } from '../platform/text-input';
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES } from './attachment-limits';

export { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES };
export const attachmentTypeSchema = z.enum(ATTACHMENT_TYPES);
export type AttachmentType = z.infer<typeof attachmentTypeSchema>;

/** An attachment as stored and listed (without its bytes). */
export const attachmentSchema = z
  .object({
    id: workflowIdSchema,
    caseId: workflowIdSchema,
    /** The file name as the inspector's device gave it (NFC, trimmed; no path). */
    name: z.string().min(1).max(200),
    contentType: attachmentTypeSchema,
    size: z.number().int().positive(),
    /** SHA-256 (hex) of the bytes: what the audit log records of them. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    uploadedAt: z.iso.datetime(),
    /** The actor id (token id) of the uploading inspector. */
    uploadedBy: z.string(),
  })
  .meta({ id: 'CaseAttachment' });
export type Attachment = z.infer<typeof attachmentSchema>;

/** A file name as sent: no control or invisible characters, no path, at most 200 characters. */
const fileName = z
  .string()
  .max(400)
  .refine((v) => !hasForbiddenCharacters(v), 'must not contain control or invisible characters')
  .transform((v) => v.normalize('NFC').trim())
  .pipe(
    z
      .string()
      .min(1)
      .max(200)
      .refine((v) => !/[/\\]/.test(v) && v !== '.' && v !== '..', 'a file name, not a path'),
  );

/** POST /cases/{id}/attachments?name=…: the bytes are the body. */
export const attachmentUploadQuerySchema = z.strictObject({
  name: fileName.meta({ errorCode: 'INVALID_ATTACHMENT_NAME' }).describe('The file name (URL-encoded UTF-8)'),
});

export const attachmentParamsSchema = z.strictObject({
  id: workflowIdSchema.meta({ errorCode: 'INVALID_CASE_ID' }),
  attachmentId: workflowIdSchema.meta({ errorCode: 'INVALID_ATTACHMENT_ID' }),
});

export const attachmentListSchema = z
  .object({ items: z.array(attachmentSchema) })
  .meta({ id: 'CaseAttachmentList' });
