import { sniffImageType } from '../tips/tip-photo';
import type { AttachmentType } from './attachment-schema';

/** A PDF starts with `%PDF-` (ISO 32000: the header is the file's first line). */
const PDF_MAGIC = Buffer.from('%PDF-', 'latin1');

/**
 * What the bytes of an attachment are (JPEG, PNG, WebP as a tip's photo, or PDF), read from their first
 * bytes; undefined for anything else, whatever its name or declared type says.
 */
export function sniffAttachmentType(data: Buffer): AttachmentType | undefined {
  if (data.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC)) return 'application/pdf';
  return sniffImageType(data);
}
