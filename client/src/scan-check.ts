/**
 * From a scanned text to what the page shows: the browser checks the signature itself (works
 * offline), the server gives the live verdict (when reachable), and a code for another host is a
 * warning whatever else is true.
 */
import { parseQrUrl, type ParsedQrUrl } from '../../server/qr/qr-payload';
import { askServer, type ScanAnswer } from './scan-api';
import { checkSignature, type SignatureCheck } from './signature';
import type { ShownVerdict } from './texts';

export interface ScanOutcome {
  text: string;
  shown: ShownVerdict;
  /** The code's parts, when it has the shape of a CertWatch code (on any host). */
  parsed?: ParsedQrUrl;
  /** The code points to a host other than this page's. */
  foreign: boolean;
  /** The browser's own check (codes for this host only: a foreign code is never trusted). */
  signature?: SignatureCheck;
  server: ScanAnswer;
}

/** The shown verdict, from what the browser and the server found. */
export function decide(
  parsed: ParsedQrUrl | undefined,
  foreign: boolean,
  signature: SignatureCheck | undefined,
  server: ScanAnswer,
): ShownVerdict {
  if (parsed && foreign) return 'FOREIGN_HOST';
  // The browser's own finding wins over anything the network says: that is the point of checking here.
  if (signature?.state === 'altered') return 'SIGNATURE_INVALID';
  if (server.kind === 'verdict') return server.value.verdict;
  if (!parsed) return 'NOT_CERTWATCH';
  if (signature?.state === 'verified') return 'OFFLINE_GENUINE';
  if (signature?.state === 'removed-key') return 'REMOVED_KEY';
  if (signature?.state === 'unknown-key' && signature.keys && !signature.keys.offline) return 'UNKNOWN_KEY';
  return 'UNCHECKED';
}

export async function evaluateScan(text: string): Promise<ScanOutcome> {
  const parsed = parseQrUrl(text);
  const foreign = parsed !== undefined && parsed.origin !== location.origin;
  const [signature, server] = await Promise.all([
    parsed && !foreign ? checkSignature(parsed) : Promise.resolve(undefined),
    askServer(text),
  ]);
  return { text, shown: decide(parsed, foreign, signature, server), parsed, foreign, signature, server };
}
