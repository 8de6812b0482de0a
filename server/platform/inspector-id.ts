/**
 * The inspector id format, shared by the inspector directory, cases and tokens (a token links to an
 * inspector, and the directory depends on bodies, so the format lives below both).
 */
import { z } from 'zod';
import { hasForbiddenCharacters, normalizeIdentifier } from './normalize';

/** Inspector ids are the badge or staff numbers the admin registers (e.g. `CQ-SPB-0012`). */
export const inspectorIdSchema = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/, 'inspector id: 2-32 of A-Z, 0-9, -');

/** An inspector id as typed in a path or a request: normalised (half-width, upper-case), then checked. */
export const inspectorIdInput = z
  .string()
  .max(64)
  .refine((v) => !hasForbiddenCharacters(v), 'must not contain control or invisible characters')
  .transform(normalizeIdentifier)
  .pipe(inspectorIdSchema)
  .meta({ errorCode: 'INVALID_INSPECTOR_ID' });
