import { getJson, type Cache } from '../platform/cache';
import type { Metrics } from '../platform/metrics';
import type { ApprovalWindow } from './body-approval';
import type { BodyRepository } from './body-repository';
import { toPublicBody, type Body, type PublicBody } from './body-schema';

const BODY_TTL_SECONDS = 60;
const bodyKey = (code: string) => `b:${code}`;
const LATEST_REPORT_KEY = 'b:*:latest-report';

export interface BodyService {
  /** The public face of a body (cached), or null when no body has this code. */
  getPublicBody(code: string): Promise<PublicBody | null>;
  /** The most recent report time of any body: how fresh the registry as a whole is. */
  latestReportAt(): Promise<string | undefined>;
  /** Every body, uncached (admin and seed use). */
  list(): Promise<Body[]>;
  /** Creates or replaces a body and invalidates what the cache holds of it. */
  upsert(body: Body): Promise<Body>;
  /** Records a report by the body (upload or confirmation) at `at`. */
  recordReport(code: string, at: string): Promise<void>;
  /**
   * Tells what follows a change of the body's approval history (stored as `body`): its certificates
   * issued in `window` are checked again (the risk rules, wired by the composition root). Never throws
   * for what follows: the change is stored.
   */
  approvalChanged(body: Body, window: ApprovalWindow): Promise<void>;
}

export function createBodyService(deps: {
  bodies: BodyRepository;
  cache: Cache;
  metrics?: Metrics;
  /** What follows a change of approval (the risk rules' re-evaluation of the window); none by default. */
  onApprovalChanged?: (body: Body, window: ApprovalWindow) => Promise<void>;
}): BodyService {
  const { bodies, cache, metrics } = deps;
  const count = (result: 'hit' | 'miss') => metrics?.cacheLookups.inc({ kind: 'body', result });

  async function invalidate(code: string) {
    await cache.delete([bodyKey(code), LATEST_REPORT_KEY]);
  }

  return {
    async getPublicBody(code) {
      const cached = await getJson<PublicBody | null>(cache, bodyKey(code));
      if (cached !== undefined) {
        count('hit');
        return cached;
      }
      count('miss');
      const body = await bodies.findByCode(code);
      const view = body ? toPublicBody(body) : null;
      await cache.set(bodyKey(code), JSON.stringify(view), BODY_TTL_SECONDS);
      return view;
    },
    async latestReportAt() {
      const cached = await cache.get(LATEST_REPORT_KEY);
      if (cached !== undefined) return cached || undefined;
      const latest = (await bodies.list())
        .map((b) => b.lastReportedAt ?? '')
        .reduce((a, b) => (a > b ? a : b), '');
      await cache.set(LATEST_REPORT_KEY, latest, BODY_TTL_SECONDS);
      return latest || undefined;
    },
    list: () => bodies.list(),
    async upsert(body) {
      const stored = await bodies.upsert(body);
      await invalidate(body.code);
      return stored;
    },
    async recordReport(code, at) {
      await bodies.touchLastReported(code, at);
      await invalidate(code);
    },
    async approvalChanged(body, window) {
      await deps.onApprovalChanged?.(body, window);
    },
  };
}
