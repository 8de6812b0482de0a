import type { Attachment } from './attachment-schema';

/**
 * The evidence attachments of cases: what is known of each (listed without bytes) and its bytes, written
 * together once and never changed or deleted.
 */
export interface AttachmentRepository {
  /**
   * Stores an attachment and its bytes together. Rejects, storing nothing a listing would show, when an
   * attachment with its id exists.
   */
  create(attachment: Attachment, data: Buffer): Promise<Attachment>;

  /** The attachments of a case, oldest first (then by id), without their bytes. */
  listByCase(caseId: string): Promise<Attachment[]>;

  /**
   * An attachment with its bytes, when it belongs to this case; undefined otherwise (another case's
   * attachment is as absent as an unknown one).
   */
  find(caseId: string, id: string): Promise<{ attachment: Attachment; data: Buffer } | undefined>;
}
