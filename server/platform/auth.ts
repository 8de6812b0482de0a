import type { RequestHandler, Response } from 'express';
import { AppError } from './errors';

/** Who may call what: bodies act for one certifying body, partners only query credit. */
export const ROLES = ['admin', 'body', 'inspector', 'partner'] as const;
export type Role = (typeof ROLES)[number];

/** The caller of a request, once its token is verified. */
export interface Principal {
  tokenId: string;
  role: Role;
  bodyCode?: string;
}

/** Verifies a presented bearer secret; resolves to its principal, or throws UNAUTHENTICATED. */
export type TokenVerifier = (presented: string) => Promise<Principal>;

/**
 * The principal of an `Authorization` header's bearer token. A present but bad header or token is always
 * UNAUTHENTICATED (401), so a typo never silently downgrades to anonymous. Requests without the header
 * stay anonymous: public routes still work (see requestQuota in rate-limit.ts, which calls this).
 */
export async function verifyAuthorization(header: string, verify: TokenVerifier): Promise<Principal> {
  const match = /^Bearer ([A-Za-z0-9_.-]{10,200})$/.exec(header);
  if (!match) throw new AppError('UNAUTHENTICATED', 'Authorization must be "Bearer <token>".');
  return verify(match[1] as string);
}

/** The caller, or undefined for an anonymous request. */
export function principalOf(res: Response): Principal | undefined {
  return res.locals.principal as Principal | undefined;
}

/** The caller when it has one of `roles`; 401 when anonymous, 403 when the role is not allowed. */
export function assertRole(res: Response, ...roles: Role[]): Principal {
  const principal = principalOf(res);
  if (!principal) throw new AppError('UNAUTHENTICATED', 'This route needs an access token.');
  if (!roles.includes(principal.role)) {
    throw new AppError('FORBIDDEN', `This route is for ${roles.join(' or ')} tokens.`);
  }
  return principal;
}

/** Route guard form of assertRole. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (_req, res, next) => {
    assertRole(res, ...roles);
    next();
  };
}

/**
 * A body token may act only for its own body; admins may act for any. Anything else is 403 — the same
 * answer whether or not the other body's resource exists, so tokens cannot probe the registry.
 */
export function assertActsForBody(principal: Principal, bodyCode: string): void {
  if (principal.role === 'admin') return;
  if (principal.role === 'body' && principal.bodyCode === bodyCode) return;
  throw new AppError('FORBIDDEN', 'This token may not act for that certifying body.');
}
