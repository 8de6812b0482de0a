/**
 * What an evidence attachment may be, without zod: the console's bundle reads these too (it refuses too
 * large a file before sending it).
 */
export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;

/** The largest attachment accepted (a phone photo or a scanned document of a few pages). */
export const MAX_ATTACHMENT_BYTES = 8 * 1024 * 1024;
