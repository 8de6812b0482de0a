/**
 * The receipt page's script (client/public/receipt.js, loaded by /receipts only). Progressive
 * enhancement: the server has already checked the receipt and said so; this checks the signature again
 * in the browser against the published receipt keys (kept on the device, so the check works offline),
 * checks a pasted receipt without the network when offline, and adds a print button.
 */
import { pageLang } from '../page-lang';
import { el, replaceChildren } from '../dom';
import { keyLoader, verifyEd25519, type KeySet } from '../signature';
import { checkLogProof } from './log-proof';
import {
  compactIn,
  parseCompact,
  parseLogProofParam,
  RECEIPT_JWKS_PATH,
  RECEIPT_TYPE,
} from '../../../server/receipts/receipt-codec';
import { receiptTextsFor, type ReceiptTexts } from '../../../server/receipts/receipt-texts';

const loadReceiptKeys = keyLoader({ path: RECEIPT_JWKS_PATH, storageKey: 'certwatch.receipt-jwks.v1' });

type CheckState =
  'verified' | 'altered' | 'unknown-key' | 'removed-key' | 'malformed' | 'no-keys' | 'unsupported';

interface ReceiptCheck {
  state: CheckState;
  keys?: KeySet;
  /** What a verified receipt says: number, holder, check time. */
  says?: { number: string; holder: string; checkedAt: string };
}

/** What a verified receipt object says, read defensively (the signature is ours, the shape checked). */
function saysOf(object: unknown): ReceiptCheck['says'] {
  const r = object as {
    type?: unknown;
    checkedAt?: unknown;
    certificate?: { number?: unknown; holderName?: unknown };
  };
  if (r.type !== RECEIPT_TYPE || typeof r.checkedAt !== 'string') return undefined;
  const { number, holderName } = r.certificate ?? {};
  if (typeof number !== 'string' || typeof holderName !== 'string') return undefined;
  return { number, holder: holderName, checkedAt: r.checkedAt };
}

/** Checks a compact receipt (or a link holding one) in this browser. Never throws. */
export async function checkReceipt(text: string): Promise<ReceiptCheck> {
  const compact = compactIn(text);
  const parsed = compact ? parseCompact(compact) : undefined;
  if (!parsed?.ok) return { state: 'malformed' };
  if (!globalThis.crypto?.subtle) return { state: 'unsupported' };
  let keys = await loadReceiptKeys();
  if (!keys) return { state: 'no-keys' };
  const { kid } = parsed.parts;
  let jwk = keys.keys.find((k) => k.kid === kid);
  if (!jwk && navigator.onLine !== false) {
    keys = (await loadReceiptKeys(true)) ?? keys;
    jwk = keys.keys.find((k) => k.kid === kid);
  }
  if (!jwk) return { state: keys.removed.includes(kid) ? 'removed-key' : 'unknown-key', keys };
  try {
    const ok = await verifyEd25519(jwk, parsed.bytes, parsed.signature);
    const says = ok ? saysOf(parsed.object) : undefined;
    return { state: ok && says ? 'verified' : 'altered', keys, says };
  } catch {
    return { state: 'unsupported', keys };
  }
}

function lineOf(t: ReceiptTexts, check: ReceiptCheck): string {
  switch (check.state) {
    case 'verified':
      return t.browserVerified(
        (check.keys?.fetchedAt ?? '').slice(0, 16).replace('T', ' '),
        check.keys?.offline === true,
      );
    case 'altered':
      return t.browserAltered;
    case 'unknown-key':
      return t.browserUnknownKey;
    case 'removed-key':
      return t.browserRemovedKey;
    case 'malformed':
      return t.browserMalformed;
    case 'no-keys':
      return t.browserNoKeys;
    case 'unsupported':
      return t.browserUnsupported;
  }
}

function show(slot: HTMLElement, t: ReceiptTexts, check: ReceiptCheck, again?: () => void): void {
  const ok = check.state === 'verified';
  replaceChildren(
    slot,
    el(
      'p',
      { class: ok ? 'signature-ok' : 'signature-bad', 'data-receipt-check': check.state },
      `${ok ? '✓' : '✗'} ${lineOf(t, check)}`,
    ),
    check.says
      ? el('p', {}, t.browserPasted(check.says.number, check.says.holder, check.says.checkedAt))
      : null,
    again
      ? el(
          'button',
          { type: 'button', class: 'button-secondary', 'data-action': 'check-again' },
          t.browserCheckAgain,
        )
      : null,
  );
  slot.querySelector('[data-action="check-again"]')?.addEventListener('click', () => again?.());
}

function start(): void {
  const t = receiptTextsFor(pageLang());
  const slot = document.querySelector<HTMLElement>('[data-slot="receipt-check"]');
  if (!slot) return;
  const fromUrl = new URLSearchParams(location.search).get('r');
  const run = async (text: string, again: boolean) => {
    replaceChildren(slot, el('p', { 'data-receipt-check': 'checking' }, t.browserChecking));
    const check = await checkReceipt(text);
    show(slot, t, check, again ? () => void run(text, true) : undefined);
  };
  if (fromUrl) void run(fromUrl, true);

  // The audit-log proof the address carries (p=), checked here as well, offline with the saved log key.
  const logSlot = document.querySelector<HTMLElement>('[data-slot="log-check"]');
  const proof = parseLogProofParam(new URLSearchParams(location.search).get('p') ?? '');
  if (logSlot && proof) {
    replaceChildren(logSlot, el('p', { 'data-log-check': 'checking' }, t.browserLogChecking));
    void checkLogProof(proof).then((state) => {
      const ok = state === 'proven';
      replaceChildren(
        logSlot,
        el(
          'p',
          { class: ok ? 'signature-ok' : 'signature-bad', 'data-log-check': state },
          `${ok ? '✓' : '✗'} ${t.browserLog[state]}`,
        ),
      );
    });
  }

  // Offline, the form cannot reach the server: check the pasted receipt here instead.
  const form = document.querySelector<HTMLFormElement>('[data-slot="receipt-form"]');
  form?.addEventListener('submit', (event) => {
    if (navigator.onLine !== false) return;
    event.preventDefault();
    const text = (form.elements.namedItem('r') as HTMLTextAreaElement | null)?.value ?? '';
    void run(text, false);
    slot.scrollIntoView();
  });

  const receipt = document.querySelector('article.receipt');
  if (receipt) {
    const button = el(
      'button',
      { type: 'button', class: 'button-secondary print-button', 'data-action': 'print' },
      t.print,
    );
    button.addEventListener('click', () => window.print());
    receipt.querySelector('h1')?.after(button);
  }
}

start();
