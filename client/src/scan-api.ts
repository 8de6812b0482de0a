/** POST /api/v1/scan: the server's live verdict for a scanned text. */
import type { ErrorCode } from '../../server/platform/errors';
import type { ScanAnswer as ServerAnswer, ScanVerdict } from '../../server/qr/qr-schema';

const SCAN_PATH = '/api/v1/scan';
const TIMEOUT_MS = 8000;

/** The parts of the server's answer the page shows. */
export type ServerVerdict = Pick<
  ServerAnswer,
  'verdict' | 'certificate' | 'differences' | 'matches' | 'number' | 'foreignOrigin'
>;

export type ScanAnswer =
  | { kind: 'verdict'; value: ServerVerdict }
  /** The network could not be reached (offline, timeout). */
  | { kind: 'offline' }
  /** The server answered with a problem (rate limited, bad input, failure). */
  | { kind: 'problem'; code?: ErrorCode };

/** Every verdict code (typed over the server's list, so a new code does not compile until known here). */
const KNOWN: Record<ScanVerdict, true> = {
  GENUINE_VALID: true,
  GENUINE_SUSPENDED: true,
  GENUINE_REVOKED: true,
  GENUINE_WITHDRAWN: true,
  GENUINE_EXPIRED: true,
  REGISTRY_MISMATCH: true,
  NOT_FOUND: true,
  SIGNATURE_INVALID: true,
  UNKNOWN_KEY: true,
  REMOVED_KEY: true,
  FOREIGN_HOST: true,
  UNSIGNED_LINK: true,
  NUMBER_LOOKUP: true,
  NOT_CERTWATCH: true,
};

/** The verdict in an answer body (our own origin's JSON); undefined when it carries none we know. */
export function readVerdict(body: unknown): ServerVerdict | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const verdict = (body as { verdict?: unknown }).verdict;
  if (typeof verdict !== 'string' || !Object.prototype.hasOwnProperty.call(KNOWN, verdict)) return undefined;
  return body as ServerVerdict;
}

/** Asks the server about a scanned text. Never throws. */
export async function askServer(text: string): Promise<ScanAnswer> {
  if (navigator.onLine === false) return { kind: 'offline' };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const res = await fetch(SCAN_PATH, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ text }),
      cache: 'no-store',
      signal: controller.signal,
    });
    const body: unknown = await res.json().catch(() => undefined);
    const value = res.ok ? readVerdict(body) : undefined;
    if (value) return { kind: 'verdict', value };
    const code = (body as { code?: unknown } | undefined)?.code;
    return { kind: 'problem', code: typeof code === 'string' ? (code as ErrorCode) : undefined };
  } catch {
    return { kind: 'offline' };
  } finally {
    clearTimeout(timer);
  }
}
