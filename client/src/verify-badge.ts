/**
 * The headline of `/v/:publicId` opened from a QR code: the true verdict of signature × registry.
 *
 * The server cannot see the signed fragment (a browser never sends it), so for a valid certificate it
 * renders a neutral "registry record" headline that claims nothing about the printed code (that is what a
 * reader without JavaScript keeps). Here the page checks the fragment against the published keys (offline
 * too) and compares the signed fields with the registry record the server rendered, then puts the one
 * answer in the headline: green only for a genuine, unchanged code of a valid certificate.
 */
import { messagesFor } from '../../server/certificates/certificate-texts';
import type { Lang } from '../../server/platform/i18n';
import { holderNameMatches, parseQrUrl, type SignedFields } from '../../server/qr/qr-payload';
import type { SignedFieldName } from '../../server/qr/qr-schema';
import { el, replaceChildren } from './dom';
import { signatureLine } from './result-card';
import { checkSignature, type SignatureCheck } from './signature';
import { CLIENT_TEXTS, FIELD_NAMES, type ShownVerdict } from './texts';

let generation = 0;
/** The server-rendered headline, to start from again when the fragment changes. */
const original = new WeakMap<Element, { className: string; children: Node[]; verdict?: string }>();

function text(root: ParentNode, selector: string): string | undefined {
  return root.querySelector(selector)?.textContent?.trim() || undefined;
}

/** The registry's values the server rendered, for the signed identity fields. */
function registryValues(card: Element): Partial<Record<SignedFieldName, string>> {
  return {
    number: text(card, '#cert-title .code'),
    holderName: text(card, '.holder-name'),
    holderCreditCode: text(card, 'section[aria-labelledby="holder-title"] dd.code'),
  };
}

const sha256 = async (bytes: Uint8Array) =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes)));

/**
 * Signed identity fields that differ from the registry record (the registry's data now). A long holder
 * name is signed shortened (docs/qr-format.md §3): it matches the registry's name it stands for.
 */
async function differences(card: Element, fields: SignedFields): Promise<SignedFieldName[]> {
  const shown = registryValues(card);
  const differing: SignedFieldName[] = [];
  for (const k of Object.keys(shown) as SignedFieldName[]) {
    const value = shown[k];
    if (value === undefined) continue;
    const same =
      k === 'holderName' ? await holderNameMatches(fields.holderName, value, sha256) : value === fields[k];
    if (!same) differing.push(k);
  }
  return differing;
}

/** What the code says beside what the registry says, for each field that differs. */
function comparison(lang: Lang, card: Element, fields: SignedFields, differing: SignedFieldName[]) {
  const t = CLIENT_TEXTS[lang];
  const shown = registryValues(card);
  return el(
    'table',
    { class: 'compare', 'data-slot': 'mismatch' },
    el('caption', {}, t.compareCaption),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col' }, t.compareField),
        el('th', { scope: 'col' }, t.compareCode),
        el('th', { scope: 'col' }, t.compareRegistry),
      ),
    ),
    el(
      'tbody',
      {},
      ...differing.map((f) =>
        el(
          'tr',
          {},
          el('th', { scope: 'row' }, FIELD_NAMES[lang][f] ?? f),
          el('td', { class: 'code-says' }, fields[f]),
          el('td', { class: 'registry-says' }, shown[f] ?? ''),
        ),
      ),
    ),
  );
}

/** The banner classes of site.css for a verdict: green is `valid` alone. */
const TONE: Partial<Record<ShownVerdict, string>> = {
  GENUINE_VALID: 'valid',
  // A plain link to a valid certificate: the registry's answer, as a lookup by number gives it.
  UNSIGNED_LINK: 'valid',
  SIGNATURE_INVALID: 'revoked',
  UNKNOWN_KEY: 'revoked',
  REMOVED_KEY: 'revoked',
  FOREIGN_HOST: 'revoked',
  REGISTRY_MISMATCH: 'suspended',
};
const ICON: Record<string, string> = { valid: '✓', suspended: '!', revoked: '✗' };

/** Puts `verdict` in the headline: its title and what to do (the registry facts below stay). */
function setHeadline(
  banner: HTMLElement,
  lang: Lang,
  verdict: ShownVerdict,
  words: { title?: string; detail?: string } = {},
): void {
  const t = CLIENT_TEXTS[lang];
  const tone = TONE[verdict] ?? 'notfound';
  // The valid headline is the registry's own words; every other one is the verdict's.
  const title =
    words.title ??
    (verdict === 'GENUINE_VALID' ? messagesFor(lang).status.valid.title : t.verdict[verdict].title);
  const detail = words.detail;
  banner.className = `banner banner-${tone}`;
  banner.dataset.verdict = verdict;
  replaceChildren(
    banner,
    el('p', { class: 'banner-icon', 'aria-hidden': 'true' }, ICON[tone] ?? '?'),
    el('h1', { id: 'status-title', class: 'banner-title' }, title),
    el('p', { class: 'banner-note' }, detail ?? t.verdict[verdict].detail),
  );
}

/** The server-rendered headline again (before a new fragment is checked). */
function restore(banner: HTMLElement): void {
  const saved = original.get(banner);
  if (!saved) {
    original.set(banner, {
      className: banner.className,
      children: [...banner.childNodes].map((n) => n.cloneNode(true)),
      verdict: banner.dataset.verdict,
    });
    return;
  }
  banner.className = saved.className;
  if (saved.verdict) banner.dataset.verdict = saved.verdict;
  else delete banner.dataset.verdict;
  replaceChildren(banner, ...saved.children.map((n) => n.cloneNode(true)));
}

/** The verdict a signature check gives, before the registry comparison; undefined: nothing proven. */
function verdictOfCheck(check: SignatureCheck): ShownVerdict | undefined {
  switch (check.state) {
    case 'altered':
      return 'SIGNATURE_INVALID';
    case 'removed-key':
      return 'REMOVED_KEY';
    case 'unknown-key':
      // Keys saved on an earlier visit may predate a new key: only keys fresh from the portal prove it.
      return check.keys?.offline ? undefined : 'UNKNOWN_KEY';
    default:
      return undefined;
  }
}

/** Checks the fragment of the page URL now; `hashchange` calls it again (a link pasted into the tab). */
export async function mountVerifyBadge(card: HTMLElement, lang: Lang): Promise<void> {
  const mine = ++generation;
  const banner = card.querySelector<HTMLElement>('.banner');
  if (!banner) return;
  restore(banner);
  card.querySelector('[data-slot="signature-check"]')?.remove();
  const t = CLIENT_TEXTS[lang];
  const registryValid = banner.dataset.registryStatus === 'valid';

  const official = card.dataset.officialOrigin;
  if (official && official !== location.origin) {
    setHeadline(banner, lang, 'FOREIGN_HOST', { title: t.foreignPageTitle, detail: t.foreignPage(official) });
    return;
  }
  if (!card.hasAttribute('data-from-qr')) return;
  if (!location.hash) {
    // A plain link (copied from an address bar): the registry's record, and nothing printed was checked.
    if (registryValid) {
      const title = messagesFor(lang).status.valid.title;
      setHeadline(banner, lang, 'UNSIGNED_LINK', { title, detail: t.unsignedOnResultPage });
    }
    return;
  }
  const parsed = parseQrUrl(location.href);
  const check: SignatureCheck = parsed ? await checkSignature(parsed) : { state: 'altered' };
  if (mine !== generation) return;

  const box = el('section', { class: 'signature-box', 'data-slot': 'signature-check' });
  const line = signatureLine(lang, check);
  if (line) box.append(line);
  const failed = verdictOfCheck(check);
  if (failed) {
    setHeadline(banner, lang, failed);
    if (failed === 'SIGNATURE_INVALID') box.append(el('p', {}, t.alteredOnResultPage));
  } else if (check.state === 'verified' && check.fields) {
    const differing = await differences(card, check.fields);
    if (mine !== generation) return;
    if (differing.length > 0) {
      setHeadline(banner, lang, 'REGISTRY_MISMATCH');
      box.append(comparison(lang, card, check.fields, differing));
    } else if (registryValid) {
      setHeadline(banner, lang, 'GENUINE_VALID');
    }
  }
  banner.after(box);
}
