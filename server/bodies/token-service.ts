import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { actorOf, type AuditService } from '../audit/audit-service';
import { assertActsForBody, type TokenVerifier } from '../platform/auth';
import { AppError } from '../platform/errors';
import type { BodyService } from './body-service';
import type { TokenRepository } from './token-repository';
import type { Principal } from '../platform/auth';
import type { ApiToken, IssueTokenRequest, TokenView } from './token-schema';

/**
 * A bearer token reads `cw.<id>.<secret>`: the id (12 random bytes, 16 base64url characters) finds the
 * stored record, the secret (32 random bytes, 43 base64url characters) proves possession. The prefix
 * lets secret scanners recognise a leaked token.
 */
const TOKEN_SHAPE = /^cw\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;
export const TOKEN_ID_PATTERN = /^[A-Za-z0-9_-]{16}$/;

const DAY_MS = 86_400_000;
/** Compared against when the id is unknown, so that path does the same work as a wrong secret. */
const NO_HASH = Buffer.alloc(32);
const INVALID_TOKEN = 'The access token is not valid.';

/** SHA-256 (hex) of a token's secret part: all that is ever stored of it. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The bearer value of a token: what clients send as `Authorization: Bearer <value>`. */
export function formatToken(id: string, secret: string): string {
  return `cw.${id}.${secret}`;
}

/** A token just issued: its listing view and, this once, the bearer value. */
export interface IssuedToken {
  token: TokenView;
  /** `cw.<id>.<secret>`: shown once, never stored, never retrievable again. */
  secret: string;
}

export interface TokenService {
  /**
   * Issues a token for `request`, on behalf of `issuer` (undefined: the system, e.g. the CLI). A body
   * token needs an existing body (BODY_NOT_FOUND), an inspector token linked to an inspector an inspector
   * of the directory (INSPECTOR_NOT_FOUND). Audited as `token.issue` without secret or hash.
   */
  issue(request: IssueTokenRequest, issuer: Principal | undefined): Promise<IssuedToken>;
  /** The principal of a presented bearer value; UNAUTHENTICATED (one generic message) for anything else. */
  verify: TokenVerifier;
  /** Tokens without their hashes, newest first; only those of one body when `bodyCode` is given. */
  list(filter: { bodyCode?: string }): Promise<TokenView[]>;
  /**
   * Revokes the token `id` as `by`: an admin any token, a body token only its own body's (FORBIDDEN
   * otherwise); TOKEN_NOT_FOUND when unknown. Revoking an already revoked token changes nothing and
   * records nothing. Audited as `token.revoke`.
   */
  revoke(id: string, by: Principal): Promise<TokenView>;
  /** How many tokens exist, in any state. */
  count(): Promise<number>;
}

export function toTokenView(token: ApiToken): TokenView {
  const { secretHash: _hash, ...view } = token;
  return view;
}

export function createTokenService(deps: {
  tokens: TokenRepository;
  bodies: BodyService;
  audit: AuditService;
  /** Whether the directory has this inspector (wired to the inspector store); without it, no links. */
  inspectorExists?: (id: string) => Promise<boolean>;
  now?: () => Date;
}): TokenService {
  const { tokens, bodies, audit } = deps;
  const now = deps.now ?? (() => new Date());

  const unauthenticated = () => new AppError('UNAUTHENTICATED', INVALID_TOKEN);

  return {
    async issue(request, issuer) {
      if (request.bodyCode !== undefined && (await bodies.getPublicBody(request.bodyCode)) === null) {
        throw new AppError('BODY_NOT_FOUND', `No certifying body has the code ${request.bodyCode}.`);
      }
      const { inspectorId } = request;
      if (inspectorId !== undefined && !(await deps.inspectorExists?.(inspectorId))) {
        throw new AppError('INSPECTOR_NOT_FOUND', `No inspector of the directory has the id ${inspectorId}.`);
      }
      const issuedAt = now();
      const id = randomBytes(12).toString('base64url');
      const secret = randomBytes(32).toString('base64url');
      const token: ApiToken = {
        id,
        role: request.role,
        ...(request.bodyCode !== undefined ? { bodyCode: request.bodyCode } : {}),
        ...(inspectorId !== undefined ? { inspectorId } : {}),
        label: request.label,
        secretHash: hashSecret(secret),
        createdAt: issuedAt.toISOString(),
        expiresAt: new Date(issuedAt.getTime() + request.expiresInDays * DAY_MS).toISOString(),
        createdBy: issuer?.tokenId ?? 'system',
      };
      await tokens.create(token);
      const view = toTokenView(token);
      await audit.record(actorOf(issuer), 'token.issue', { type: 'token', id }, view);
      return { token: view, secret: formatToken(id, secret) };
    },

    verify: async (presented) => {
      const match = TOKEN_SHAPE.exec(presented);
      if (!match) throw unauthenticated();
      const id = match[1] as string;
      const secret = match[2] as string;
      const stored = await tokens.findById(id);
      const expected = stored ? Buffer.from(stored.secretHash, 'hex') : NO_HASH;
      const presentedHash = Buffer.from(hashSecret(secret), 'hex');
      // Constant-time: how much of the hash matches must not show in the answer time.
      const matches = expected.length === presentedHash.length && timingSafeEqual(expected, presentedHash);
      if (!stored || !matches) throw unauthenticated();
      if (stored.revokedAt !== undefined) throw unauthenticated();
      if (stored.expiresAt !== undefined && stored.expiresAt <= now().toISOString()) throw unauthenticated();
      // A body token without its body would act for nobody; refuse rather than guess.
      if (stored.role === 'body' && stored.bodyCode === undefined) throw unauthenticated();
      return {
        tokenId: stored.id,
        role: stored.role,
        ...(stored.bodyCode !== undefined ? { bodyCode: stored.bodyCode } : {}),
      };
    },

    async list(filter) {
      return (await tokens.list(filter)).map(toTokenView);
    },

    async revoke(id, by) {
      const found = TOKEN_ID_PATTERN.test(id) ? await tokens.findById(id) : undefined;
      if (!found) throw new AppError('TOKEN_NOT_FOUND', 'No access token has this id.');
      if (by.role !== 'admin') {
        // Admin, inspector and partner tokens belong to no body: only an admin may revoke them.
        if (found.bodyCode === undefined) {
          throw new AppError('FORBIDDEN', 'This token may not revoke that token.');
        }
        assertActsForBody(by, found.bodyCode);
      }
      if (found.revokedAt !== undefined) return toTokenView(found);
      const at = now().toISOString();
      const revoked = await tokens.revoke(id, at);
      if (!revoked) throw new AppError('TOKEN_NOT_FOUND', 'No access token has this id.');
      // A concurrent revocation got there first: it is the one on record.
      if (revoked.revokedAt !== at) return toTokenView(revoked);
      await audit.record(
        actorOf(by),
        'token.revoke',
        { type: 'token', id },
        {
          id,
          role: revoked.role,
          bodyCode: revoked.bodyCode,
          revokedAt: revoked.revokedAt,
        },
      );
      return toTokenView(revoked);
    },

    count: () => tokens.count(),
  };
}
