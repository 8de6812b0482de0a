import type { Principal } from '../bodies/token-schema';
import type { AuditRepository } from './audit-repository';
import { checkEntry, digestOf, SYSTEM_ACTOR, type Actor, type AuditEntry, type ChainBreak } from './audit-schema';

export interface AuditService {
  /** Appends an entry for a state change. `change` is what changed (kept beside the entry, digested into it). */
  record(actor: Actor, action: string, target: { type: string; id: string }, change: unknown): Promise<AuditEntry>;
  /** The chain head: the last entry's sequence number and hash (seq 0 and the genesis hash when empty). */
  head(): Promise<{ seq: number; hash: string; at?: string }>;
  /** Walks the whole chain; the first broken entry, or undefined when every entry checks out. */
  verify(): Promise<{ entries: number; firstBreak?: ChainBreak }>;
}

/** The actor of a request's principal, or the system. */
export function actorOf(principal: Principal | undefined): Actor {
  return principal
    ? { type: 'token', id: principal.tokenId, role: principal.role, bodyCode: principal.bodyCode }
    : SYSTEM_ACTOR;
}

export function createAuditService(deps: { audit: AuditRepository; now?: () => string }): AuditService {
  const { audit } = deps;
  const now = deps.now ?? (() => new Date().toISOString());
  return {
    record(actor, action, target, change) {
      return audit.append({ at: now(), actor, action, target, digest: digestOf(change) }, change);
    },
    async head() {
      const last = await audit.head();
      return last ? { seq: last.seq, hash: last.hash, at: last.at } : { seq: 0, hash: '0'.repeat(64) };
    },
    async verify() {
      let previous: AuditEntry | undefined;
      let entries = 0;
      for await (const entry of audit.entries(1, 1000)) {
        const broken = checkEntry(previous, entry, entry.change);
        if (broken) return { entries, firstBreak: broken };
        previous = entry;
        entries += 1;
      }
      return { entries };
    },
  };
}
