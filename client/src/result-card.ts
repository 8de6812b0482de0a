/** The result card of a scan: a large status, the reason, holder, body and dates. */
import type { PublicCertificate } from '../../server/certificates/certificate-schema';
import { messagesFor } from '../../server/certificates/certificate-texts';
import { errorText } from '../../server/error-texts';
import type { Lang } from '../../server/platform/i18n';
import { fragmentOf, splitShortenedName, type SignedFields } from '../../server/qr/qr-payload';
import { el, type Child } from './dom';
import { withLang } from './page-lang';
import type { ScanOutcome } from './scan-check';
import type { SignatureCheck } from './signature';
import type { SignedFieldName } from '../../server/qr/qr-schema';
import { CLIENT_TEXTS, FIELD_NAMES, type ShownVerdict } from './texts';

/** The banner colour of each verdict (classes of site.css shared with the server-rendered page). */
const TONE: Record<ShownVerdict, string> = {
  GENUINE_VALID: 'valid',
  GENUINE_SUSPENDED: 'suspended',
  GENUINE_REVOKED: 'revoked',
  GENUINE_WITHDRAWN: 'withdrawn',
  GENUINE_EXPIRED: 'expired',
  SIGNATURE_INVALID: 'revoked',
  UNKNOWN_KEY: 'revoked',
  REMOVED_KEY: 'revoked',
  FOREIGN_HOST: 'revoked',
  REGISTRY_MISMATCH: 'revoked',
  NOT_FOUND: 'notfound',
  // The registry's status decides the colour (see toneOf); nothing printed was checked.
  UNSIGNED_LINK: 'notfound',
  NUMBER_LOOKUP: 'notfound',
  NOT_CERTWATCH: 'notfound',
  OFFLINE_GENUINE: 'offline',
  UNCHECKED: 'notfound',
};

const ICON: Record<string, string> = {
  valid: '✓',
  suspended: '!',
  revoked: '✗',
  withdrawn: '✗',
  expired: '✗',
  notfound: '?',
  offline: '✓',
};

/** A signed holder name as a person reads it: a shortened one (docs/qr-format.md §3) as its start and "…". */
function shownHolderName(signed: string): string {
  const short = splitShortenedName(signed);
  return short ? `${short.prefix}…` : signed;
}

/** "YYYY-MM-DD HH:MM" in the reader's own time zone. */
export function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The line saying what the browser's own signature check found; undefined when it did not run. */
export function signatureLine(lang: Lang, check: SignatureCheck | undefined): HTMLElement | undefined {
  if (!check) return undefined;
  const t = CLIENT_TEXTS[lang];
  const when = check.keys ? localTime(check.keys.fetchedAt) : '';
  const [tone, text] = ((): [string, string] => {
    switch (check.state) {
      case 'verified':
        return ['ok', check.keys?.offline ? t.signatureVerifiedOffline(when) : t.signatureVerified];
      case 'altered':
        return ['bad', t.signatureAltered];
      case 'unknown-key':
        return check.keys?.offline
          ? ['note', t.signatureUnknownKeyOffline(when)]
          : ['bad', t.signatureUnknownKey];
      case 'removed-key':
        return ['bad', t.signatureRemovedKey];
      case 'no-keys':
        return ['note', t.signatureNoKeys];
      case 'unsupported':
        return ['note', t.signatureUnsupported];
    }
  })();
  return el(
    'p',
    { class: `signature-check signature-${tone}`, 'data-signature': check.state },
    el('span', { class: 'visually-hidden' }, `${t.signatureHeading}${messagesFor(lang).colon}`),
    text,
  );
}

function fact(label: string, value: string | undefined, attrs: Record<string, string> = {}): Child[] {
  if (!value) return [];
  return [el('dt', {}, label), el('dd', attrs, value)];
}

/** The registry's facts (authoritative) when the server named the certificate. */
function registryFacts(lang: Lang, cert: PublicCertificate): HTMLElement {
  const m = messagesFor(lang);
  const body = cert.body
    ? lang === 'en' && cert.body.nameEn
      ? cert.body.nameEn
      : cert.body.name
    : undefined;
  return el(
    'dl',
    { class: 'facts scan-facts' },
    ...fact(m.holderHeading, cert.holder.name, { class: 'holder-name' }),
    ...fact(m.creditCode, cert.holder.creditCode, { class: 'code' }),
    ...fact(m.certificateNumber, cert.number, { class: 'code' }),
    ...fact(m.scheme, cert.scheme[lang]),
    ...fact(m.bodyHeading, body ?? m.warningBodyUnknown),
    ...fact(m.issueDate, cert.issueDate),
    ...fact(m.expiryDate, cert.expiryDate),
  );
}

/** The signed facts, read from the code itself (all there is offline). */
function signedFacts(lang: Lang, fields: SignedFields): HTMLElement {
  const m = messagesFor(lang);
  return el(
    'dl',
    { class: 'facts scan-facts' },
    ...fact(m.holderHeading, shownHolderName(fields.holderName), { class: 'holder-name' }),
    ...fact(m.creditCode, fields.holderCreditCode, { class: 'code' }),
    ...fact(m.certificateNumber, fields.number, { class: 'code' }),
    ...fact(m.scheme, fields.scheme),
    ...fact(m.bodyHeading, fields.bodyCode, { class: 'code' }),
    ...fact(m.issueDate, fields.issueDate),
    ...fact(m.expiryDate, fields.expiryDate),
  );
}

/** Status date and reason of a genuine but no longer valid certificate. */
function statusFacts(lang: Lang, cert: PublicCertificate): HTMLElement | undefined {
  const m = messagesFor(lang);
  if (cert.status === 'valid') return undefined;
  const date = cert.status === 'expired' ? cert.expiryDate : (cert.statusDate ?? m.dateNotReported);
  const reason = cert.status === 'expired' ? m.expiredReason : cert.statusReason || m.reasonNotGiven;
  return el(
    'dl',
    { class: 'banner-facts' },
    ...fact(m.statusSince(cert.status), date),
    ...fact(m.statusReason, reason, { class: 'status-reason' }),
  );
}

/** "The holder name, credit code in the code differ from the registry." */
export function differencesNote(
  lang: Lang,
  fields: readonly SignedFieldName[] | undefined,
): HTMLElement | undefined {
  const names = FIELD_NAMES[lang];
  const known = (fields ?? [])
    .filter((f) => Object.prototype.hasOwnProperty.call(names, f))
    .map((f) => names[f]);
  if (known.length === 0) return undefined;
  return el(
    'p',
    { class: 'alert' },
    CLIENT_TEXTS[lang].signedDataDiffers(known.join(lang === 'zh' ? '、' : ', ')),
  );
}

/** A bare number read from a code: the registry's certificates with it, each linking to its page. */
function matchList(lang: Lang, matches: PublicCertificate[] | undefined): HTMLElement {
  const m = messagesFor(lang);
  if (!matches || matches.length === 0) return el('p', { class: 'alert' }, m.searchNone);
  return el(
    'ol',
    { class: 'results' },
    ...matches.map((c) =>
      el(
        'li',
        { class: 'result' },
        el(
          'a',
          { href: withLang(`/v/${encodeURIComponent(c.publicId)}`) },
          el('span', { class: `badge badge-${c.status}` }, m.status[c.status].badge),
          ' ',
          el('span', { class: 'result-name' }, c.holder.name),
        ),
        el(
          'span',
          { class: 'result-details' },
          [
            c.number,
            c.scheme[lang],
            c.body ? (lang === 'en' && c.body.nameEn ? c.body.nameEn : c.body.name) : '',
          ]
            .filter(Boolean)
            .join(' · '),
        ),
      ),
    ),
  );
}

/** Builds the card for one scan; the caller puts it in the live region. */
export function renderResultCard(lang: Lang, outcome: ScanOutcome): HTMLElement {
  const t = CLIENT_TEXTS[lang];
  const m = messagesFor(lang);
  const { parsed, server, signature, shown } = outcome;
  const answer = server.kind === 'verdict' ? server.value : undefined;
  const cert = answer?.certificate;
  const fields = signature?.fields;
  const showCertificate = !outcome.foreign && shown !== 'SIGNATURE_INVALID';
  // An unsigned link proves nothing printed: its colour and title are the registry's status alone.
  const unsignedStatus = shown === 'UNSIGNED_LINK' && cert ? cert.status : undefined;
  const tone = unsignedStatus ?? TONE[shown];
  const title = unsignedStatus ? m.status[unsignedStatus].title : t.verdict[shown].title;

  const liveLine =
    server.kind === 'offline'
      ? el('p', { class: 'note live-status' }, t.liveStatusUnavailable)
      : server.kind === 'problem'
        ? el(
            'p',
            { class: 'note live-status', 'data-code': server.code },
            server.code ? errorText(server.code, lang) : t.liveStatusFailed,
          )
        : undefined;

  const foreignWarning =
    outcome.foreign && parsed
      ? el(
          'div',
          { class: 'warning', role: 'alert' },
          el('p', {}, t.foreignHostIs(new URL(parsed.origin).host)),
          el('p', {}, t.scannedText, m.colon, el('code', { class: 'scanned-text' }, outcome.text)),
        )
      : undefined;

  const scanned =
    shown === 'NOT_CERTWATCH'
      ? el(
          'p',
          { class: 'muted' },
          t.scannedText,
          m.colon,
          el('code', { class: 'scanned-text' }, outcome.text.slice(0, 300)),
        )
      : undefined;

  const facts = !showCertificate
    ? undefined
    : cert
      ? registryFacts(lang, cert)
      : fields && signature?.state === 'verified'
        ? signedFacts(lang, fields)
        : undefined;

  const mismatch =
    shown === 'REGISTRY_MISMATCH' || (answer?.differences?.length && shown.startsWith('GENUINE_'))
      ? [
          differencesNote(lang, answer?.differences),
          fields ? el('h4', { class: 'scan-subheading' }, t.signedData) : undefined,
          fields ? signedFacts(lang, fields) : undefined,
        ]
      : [];

  const fullLink =
    parsed && showCertificate
      ? el(
          'p',
          {},
          el(
            'a',
            {
              href: `${withLang(`/v/${encodeURIComponent(parsed.publicId)}`)}#${fragmentOf(parsed.kid, parsed.data, parsed.sig)}`,
            },
            t.openFullResult,
          ),
        )
      : cert && showCertificate
        ? el(
            'p',
            {},
            el('a', { href: withLang(`/v/${encodeURIComponent(cert.publicId)}`) }, t.openFullResult),
          )
        : undefined;

  return el(
    'article',
    { class: 'scan-card', 'data-verdict': shown },
    el(
      'div',
      { class: `banner banner-${tone}` },
      el('p', { class: 'banner-icon', 'aria-hidden': 'true' }, ICON[tone] ?? '?'),
      el('h3', { class: 'banner-title' }, title),
      el('p', { class: 'verdict-detail' }, t.verdict[shown].detail),
      cert && showCertificate ? statusFacts(lang, cert) : undefined,
    ),
    foreignWarning,
    signatureLine(lang, signature),
    liveLine,
    facts,
    ...mismatch,
    shown === 'NUMBER_LOOKUP' ? matchList(lang, answer?.matches) : undefined,
    scanned,
    fullLink,
  );
}
