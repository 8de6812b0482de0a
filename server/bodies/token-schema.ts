import { z } from 'zod';
import { ROLES, type Role } from '../platform/auth';
import { inspectorIdInput } from '../platform/inspector-id';
import { bodyCodeSchema } from './body-schema';

export const roleSchema = z.enum(ROLES);

/** An API token as stored: never the secret, only its SHA-256. */
export interface ApiToken {
  /** Public handle (random, 16 base64url characters): listed, revoked and logged by this. */
  id: string;
  role: Role;
  /** The one body a `body` token acts for; absent for other roles. */
  bodyCode?: string;
  /**
   * The directory id of the inspector an `inspector` token belongs to: who acted, as cases name them.
   * Absent for other roles, and on inspector tokens issued before the link (their label is all there is).
   */
  inspectorId?: string;
  label: string;
  /** SHA-256 (hex) of the secret part. The secret has 256 random bits, so a fast hash is enough. */
  secretHash: string;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
  /** Token id of whoever issued it (`system` for the CLI). */
  createdBy: string;
}

/** What a listing shows: everything but the hash. */
export type TokenView = Omit<ApiToken, 'secretHash'>;

export const issueTokenSchema = z
  .strictObject({
    role: roleSchema,
    bodyCode: bodyCodeSchema.optional(),
    /** For role `inspector`: the directory id of the inspector who holds the token (INSPECTOR_NOT_FOUND). */
    inspectorId: inspectorIdInput.optional(),
    label: z.string().trim().min(1).max(100),
    /** Days until expiry; tokens never live longer than two years. */
    expiresInDays: z.number().int().min(1).max(730).default(365),
  })
  .refine((t) => (t.role === 'body') === (t.bodyCode !== undefined), {
    message: 'bodyCode is required for a body token and not allowed for other roles',
    path: ['bodyCode'],
  })
  .refine((t) => t.role === 'inspector' || t.inspectorId === undefined, {
    message: 'inspectorId goes with role inspector only',
    path: ['inspectorId'],
    params: { code: 'INSPECTOR_LINK_NOT_ALLOWED' },
  });
export type IssueTokenRequest = z.infer<typeof issueTokenSchema>;

export const tokenViewSchema = z
  .object({
    id: z.string(),
    role: roleSchema,
    bodyCode: z.string().optional(),
    inspectorId: z.string().optional(),
    label: z.string(),
    createdAt: z.string(),
    expiresAt: z.string().optional(),
    revokedAt: z.string().optional(),
    createdBy: z.string(),
  })
  .meta({ id: 'Token' });

/** A stored token, as the adapters read it back (checked, so a damaged row fails loudly). */
export const storedTokenSchema = tokenViewSchema.extend({ secretHash: z.string().regex(/^[0-9a-f]{64}$/) });
