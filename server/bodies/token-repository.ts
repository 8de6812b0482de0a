import type { ApiToken } from './token-schema';

/** API tokens. Only hashes of secrets are stored; a revoked token is kept (revokedAt set) for the record. */
export interface TokenRepository {
  /** Stores a new token; ids are unique. */
  create(token: ApiToken): Promise<ApiToken>;

  /** The token with this id, revoked or not, or undefined. */
  findById(id: string): Promise<ApiToken | undefined>;

  /** Tokens, newest first; only those of one body when `bodyCode` is given. */
  list(filter: { bodyCode?: string }): Promise<ApiToken[]>;

  /** Marks the token revoked at `at`; returns it, or undefined when unknown. Revoking twice keeps the first time. */
  revoke(id: string, at: string): Promise<ApiToken | undefined>;

  /** How many tokens exist (any state): lets the CLI tell a fresh install. */
  count(): Promise<number>;
}
