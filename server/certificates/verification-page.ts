/**
 * Server-rendered public pages: pure functions from data to HTML strings. Every value is escaped with
 * escapeHtml; messages are plain text and are escaped too. No inline scripts or styles (the CSP allows
 * neither): the look is in client/public/site.css, and the pages work fully without JavaScript.
 */
import type { PublicBody } from '../bodies/body-schema';
import { escapeHtml } from '../platform/html';
import { href, layout, OTHER_LANG, type PageContext } from '../platform/page-frame';
import type { Lang } from '../platform/i18n';
import { messagesFor, nationalLookupLink, type Messages } from './certificate-texts';
import type { ErrorCode } from '../platform/errors';
import { errorText } from '../error-texts';
import type { PublicCertificate, Status } from './certificate-schema';
import { resultItem } from './search-page';

/** A body that has not reported for this long may be missing recent changes (monthly, due the 10th). */
export const STALE_REPORT_DAYS = 45;
const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** Values to prefill the lookup and search forms with (after a bad input, or on a result page). */
export interface FormValues {
  number?: string;
  body?: string;
  q?: string;
}

function chinaDateTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t + CHINA_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

function daysSince(iso: string, now: number): number {
  return Math.floor((now - Date.parse(iso)) / DAY_MS);
}

/** "2026-11-01 16:00 (China time, 5 days ago)". */
function reportedAt(ctx: PageContext, iso: string): string {
  return messagesFor(ctx.lang).reportedAt(chinaDateTime(iso), daysSince(iso, ctx.now));
}

function fact(label: string, value: string, attrs = ''): string {
  return `<dt>${escapeHtml(label)}</dt><dd${attrs}>${escapeHtml(value)}</dd>`;
}

const STATUS_ICON: Record<Status | 'notfound', string> = {
  valid: '✓',
  suspended: '!',
  revoked: '✗',
  withdrawn: '✗',
  expired: '✗',
  notfound: '?',
};

/**
 * How a result page was reached. `qr`: opened from a printed code (`/v/:publicId`), whose signed part only
 * the page's script can check; `officialOrigin` is PUBLIC_BASE_URL's origin, for the script's host check.
 */
export interface CardOptions {
  qr?: boolean;
  officialOrigin?: string;
}

function statusBanner(ctx: PageContext, cert: PublicCertificate, options: CardOptions): string {
  const m = messagesFor(ctx.lang);
  if (options.qr && cert.status === 'valid') {
    // Never green before the printed code is checked: the script turns this into the true verdict, and
    // without the script it says plainly what was not checked.
    return `<section class="banner banner-pending" data-registry-status="valid" data-verdict="PENDING" aria-labelledby="status-title" aria-live="polite">
<p class="banner-icon" aria-hidden="true">?</p>
<h1 id="status-title" class="banner-title">${escapeHtml(m.pendingTitle)}</h1>
<p class="banner-note">${escapeHtml(m.pendingNote)}</p>
</section>`;
  }
  const text = m.status[cert.status];
  let facts = '';
  if (cert.status === 'expired') {
    facts = fact(m.statusSince('expired'), cert.expiryDate) + fact(m.statusReason, m.expiredReason);
  } else if (cert.status !== 'valid') {
    facts =
      fact(m.statusSince(cert.status), cert.statusDate ?? m.dateNotReported) +
      fact(m.statusReason, cert.statusReason || m.reasonNotGiven);
  }
  return `<section class="banner banner-${cert.status}" data-registry-status="${cert.status}" aria-labelledby="status-title" aria-live="polite">
<p class="banner-icon" aria-hidden="true">${STATUS_ICON[cert.status]}</p>
<h1 id="status-title" class="banner-title">${escapeHtml(text.title)}</h1>
${facts ? `<dl class="banner-facts">${facts}</dl>` : ''}
</section>`;
}

/** The loud warnings about the issuer: unknown body, approval suspended or withdrawn. */
function bodyWarnings(m: Messages, cert: PublicCertificate): string[] {
  const { body } = cert;
  if (!body) return [m.warningBodyUnknown];
  if (body.approvalStatus === 'approved') return [];
  const warnings = [m.warningBodyApproval(body.approvalStatus, body.approvalStatusDate)];
  if (body.approvalStatusDate && cert.issueDate >= body.approvalStatusDate) {
    warnings.push(m.warningIssuedAfterApprovalLost);
  }
  return warnings;
}

/** "One answer per scan": the holder or the body is on the dishonesty list. */
function listingBox(ctx: PageContext, cert: PublicCertificate): string {
  if (cert.listings.length === 0) return '';
  const d = messagesFor(ctx.lang).dishonesty;
  const lines = cert.listings.map((l) =>
    (l.subject === 'holder' ? d.listingHolder : d.listingBody)(l.name, l.startDate, d.severity[l.severity]),
  );
  return `<section class="warning listing" aria-labelledby="listing-title">
<h2 id="listing-title">⚠ ${escapeHtml(d.listingHeading)}</h2>
${lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}
<p>${escapeHtml(d.listingAdvice)}</p>
<p><a href="${escapeHtml(href(ctx, '/dishonesty'))}">${escapeHtml(d.listLink)}</a></p>
</section>`;
}

function warningBox(m: Messages, warnings: string[]): string {
  if (warnings.length === 0) return '';
  return `<section class="warning" aria-labelledby="warning-title">
<h2 id="warning-title">⚠ ${escapeHtml(m.warningHeading)}</h2>
${warnings.map((w) => `<p>${escapeHtml(w)}</p>`).join('\n')}
</section>`;
}

function bodyName(lang: Lang, body: PublicBody): string {
  return lang === 'en' && body.nameEn ? body.nameEn : body.name;
}

function bodySection(ctx: PageContext, body: PublicBody | null): string {
  const m = messagesFor(ctx.lang);
  if (!body) return '';
  const approval =
    m.approval[body.approvalStatus] +
    (body.approvalStatus !== 'approved' && body.approvalStatusDate ? m.aside(body.approvalStatusDate) : '');
  const stale =
    body.lastReportedAt && daysSince(body.lastReportedAt, ctx.now) > STALE_REPORT_DAYS
      ? `<p class="note">${escapeHtml(m.bodyReportStale(daysSince(body.lastReportedAt, ctx.now)))}</p>`
      : '';
  return `<section class="card-section" aria-labelledby="body-title">
<h2 id="body-title">${escapeHtml(m.bodyHeading)}</h2>
<dl class="facts">
${fact(m.bodyName, bodyName(ctx.lang, body))}
${body.phone ? `<dt>${escapeHtml(m.bodyPhone)}</dt><dd><a href="tel:${escapeHtml(body.phone.replace(/[^0-9+]/g, ''))}">${escapeHtml(body.phone)}</a></dd>` : ''}
${body.website ? `<dt>${escapeHtml(m.bodyWebsite)}</dt><dd><a href="${escapeHtml(body.website)}" rel="noopener">${escapeHtml(body.website)}</a></dd>` : ''}
${fact(m.approvalNumber, body.approvalNumber)}
${fact(m.approvalStatus, approval, body.approvalStatus === 'approved' ? '' : ' class="alert"')}
${fact(m.bodyLastReported, body.lastReportedAt ? reportedAt(ctx, body.lastReportedAt) : m.bodyNeverReported)}
</dl>
${stale}
</section>`;
}

function list(items: string[]): string {
  return `<ul class="plain">${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
}

/** The link to the public report form (server/tips/report-page.ts) about what the page shows. */
function reportLink(ctx: PageContext, params: Record<string, string | undefined>): string {
  return `<p><a class="report-link" href="${escapeHtml(href(ctx, '/report', params))}">${escapeHtml(messagesFor(ctx.lang).reportLink)}</a></p>`;
}

/** The reported statuses as a timeline (issued, suspended on…, reinstated on…); none for one entry alone. */
function historySection(ctx: PageContext, cert: PublicCertificate): string {
  const history = cert.statusHistory ?? [];
  if (history.length < 2) return '';
  const m = messagesFor(ctx.lang);
  const items = history.map((change, i) => {
    const event = i === 0 ? 'issued' : change.status === 'valid' ? 'reinstated' : change.status;
    const reason = change.reason ? m.aside(change.reason) : '';
    return `<li><time datetime="${escapeHtml(change.date)}">${escapeHtml(change.date)}</time> ${escapeHtml(m.historyEvent[event] + reason)}</li>`;
  });
  return `<section class="card-section" aria-labelledby="history-title">
<h2 id="history-title">${escapeHtml(m.historyHeading)}</h2>
<ol class="timeline">${items.join('')}</ol>
</section>`;
}

/** The verification card: status banner, warnings, holder, certificate facts, issuer, how to read. */
export function certificateCard(
  ctx: PageContext,
  cert: PublicCertificate,
  options: CardOptions = {},
): string {
  const m = messagesFor(ctx.lang);
  const other = OTHER_LANG[ctx.lang];
  const schemeName = cert.scheme[ctx.lang];
  const schemeOther = cert.scheme[other];
  const scheme = `<dt>${escapeHtml(m.scheme)}</dt><dd>${escapeHtml(schemeName)}${
    schemeOther !== schemeName
      ? `<span class="muted" lang="${messagesFor(other).htmlLang}">${escapeHtml(m.aside(schemeOther))}</span>`
      : ''
  }${cert.scheme.standard ? `<br><span class="muted">${escapeHtml(cert.scheme.standard)}</span>` : ''}</dd>`;
  const models = cert.productModels?.length
    ? `<dt>${escapeHtml(m.productModels)}</dt><dd>${list(cert.productModels)}</dd>`
    : '';
  const sites = cert.sites?.length
    ? `<dt>${escapeHtml(m.sites)}</dt><dd>${list(cert.sites.map((s) => (s.name ? `${s.name}${m.colon}${s.address}` : s.address)))}</dd>`
    : '';
  const permanent = href(ctx, `/v/${encodeURIComponent(cert.publicId)}`);
  const origin = options.officialOrigin
    ? ` data-official-origin="${escapeHtml(options.officialOrigin)}"`
    : '';
  return `<article class="certificate"${options.qr ? ' data-from-qr' : ''}${origin}>
${statusBanner(ctx, cert, options)}
${warningBox(m, bodyWarnings(m, cert))}
${listingBox(ctx, cert)}
<section class="card-section" aria-labelledby="holder-title">
<h2 id="holder-title">${escapeHtml(m.holderHeading)}</h2>
<dl class="facts">
${fact(m.holderName, cert.holder.name, ' class="holder-name"')}
${fact(m.creditCode, cert.holder.creditCode, ' class="code"')}
${cert.holder.address ? fact(m.address, cert.holder.address) : ''}
</dl>
</section>
<section class="card-section" aria-labelledby="cert-title">
<h2 id="cert-title">${escapeHtml(m.certificateNumber + m.colon)}<span class="code">${escapeHtml(cert.number)}</span></h2>
<dl class="facts">
${scheme}
${fact(m.scope, cert.scope)}
${models}
${sites}
${fact(m.issueDate, cert.issueDate)}
${fact(cert.status === 'valid' ? m.expiryDate : m.expiryDateNotValid, cert.expiryDate, cert.status === 'expired' ? ' class="alert"' : '')}
</dl>
</section>
${historySection(ctx, cert)}
${bodySection(ctx, cert.body)}
<section class="card-section how-to-read" aria-labelledby="read-title">
<h2 id="read-title">${escapeHtml(m.howToReadHeading)}</h2>
<p>${escapeHtml(m.status[cert.status].howToRead)}</p>
<p class="muted">${escapeHtml(m.recordUpdated + m.colon + reportedAt(ctx, cert.updatedAt))}</p>
<p class="muted"><a href="${escapeHtml(permanent)}">${escapeHtml(m.permanentLink)}</a></p>
<p><a class="receipt-link" href="${escapeHtml(href(ctx, `/v/${encodeURIComponent(cert.publicId)}/receipt`))}">${escapeHtml(m.receiptLink)}</a></p>
${reportLink(ctx, { publicId: cert.publicId })}
</section>
</article>`;
}

/** `/v/:publicId` (and a lookup by number with exactly one match). */
export function renderCertificatePage(
  ctx: PageContext,
  cert: PublicCertificate,
  options: CardOptions = {},
): string {
  const m = messagesFor(ctx.lang);
  return layout(ctx, {
    // The tab title names the certificate, not a verdict the page has not reached yet.
    title: options.qr ? cert.number : `${m.status[cert.status].badge} · ${cert.number}`,
    main: certificateCard(ctx, cert, options),
    script: true,
  });
}

function hiddenLang(ctx: PageContext): string {
  return ctx.explicitLang ? `<input type="hidden" name="lang" value="${ctx.explicitLang}">` : '';
}

function lookupForm(ctx: PageContext, values: FormValues): string {
  const m = messagesFor(ctx.lang);
  return `<section class="panel" aria-labelledby="lookup-title">
<h2 id="lookup-title">${escapeHtml(m.lookupHeading)}</h2>
<form method="get" action="/lookup" class="form">
<label for="number">${escapeHtml(m.numberLabel)}</label>
<input id="number" name="number" type="text" required maxlength="64" autocomplete="off" autocapitalize="characters" spellcheck="false" value="${escapeHtml(values.number ?? '')}">
<label for="body">${escapeHtml(m.bodyCodeLabel)}<span class="muted">${escapeHtml(m.optional)}</span></label>
<input id="body" name="body" type="text" maxlength="32" autocomplete="off" autocapitalize="characters" spellcheck="false" value="${escapeHtml(values.body ?? '')}">
${hiddenLang(ctx)}
<p class="hint">${escapeHtml(m.lookupHint)}</p>
<button type="submit">${escapeHtml(m.lookupButton)}</button>
</form>
</section>`;
}

function searchForm(ctx: PageContext, values: FormValues): string {
  const m = messagesFor(ctx.lang);
  return `<section class="panel" aria-labelledby="search-title">
<h2 id="search-title">${escapeHtml(m.searchHeading)}</h2>
<form method="get" action="/search" class="form" role="search">
<label for="q">${escapeHtml(m.searchLabel)}</label>
<input id="q" name="q" type="search" required minlength="2" maxlength="100" value="${escapeHtml(values.q ?? '')}">
${hiddenLang(ctx)}
<p class="hint">${escapeHtml(m.searchHint)}</p>
<button type="submit">${escapeHtml(m.searchButton)}</button>
</form>
</section>`;
}

function freshness(ctx: PageContext, latestReportAt: string | undefined): string {
  const m = messagesFor(ctx.lang);
  return `<p class="muted freshness">${escapeHtml(
    latestReportAt ? m.registryFreshness(reportedAt(ctx, latestReportAt)) : m.registryNeverReported,
  )}</p>`;
}

/** `/`: the lookup and search forms, and the place the QR scanner will take. */
export function renderHomePage(ctx: PageContext, data: { latestReportAt?: string }): string {
  const m = messagesFor(ctx.lang);
  return layout(ctx, {
    title: m.homeTitle,
    indexable: true,
    script: true,
    main: `<h1>${escapeHtml(m.homeTitle)}</h1>
<p class="lead">${escapeHtml(m.tagline)}</p>
<!-- QR scanner: /assets/app.js mounts the in-page scanner in #scanner (progressive enhancement; the
     forms below keep working without JavaScript). -->
<section id="scanner" class="panel scanner" data-slot="qr-scanner" aria-labelledby="scanner-title">
<h2 id="scanner-title">${escapeHtml(m.scannerHeading)}</h2>
<p>${escapeHtml(m.scannerPlaceholder)}</p>
</section>
${lookupForm(ctx, {})}
${searchForm(ctx, {})}
${freshness(ctx, data.latestReportAt)}`,
  });
}

/** "Not in the registry": a forged certificate's page. Says how fresh the registry is. */
export function renderNotFoundPage(
  ctx: PageContext,
  data: {
    /** The id of the `/v/` link that matched nothing (the report form carries it). */
    publicId?: string;
    number?: string;
    bodyCode?: string;
    /** The named body: null when no body has that code, undefined when none was named. */
    body?: PublicBody | null;
    registryLastReportedAt?: string;
  },
): string {
  const m = messagesFor(ctx.lang);
  const lines: string[] = [];
  if (data.number !== undefined) lines.push(m.notFoundNumber(data.number));
  if (data.bodyCode !== undefined && data.body === null) lines.push(m.notFoundBodyUnknown(data.bodyCode));
  if (data.body) {
    lines.push(
      m.notFoundBodyReported(
        bodyName(ctx.lang, data.body),
        data.body.lastReportedAt ? reportedAt(ctx, data.body.lastReportedAt) : m.bodyNeverReported,
      ),
    );
  }
  return layout(ctx, {
    title: m.notFoundTitle,
    main: `<section class="banner banner-notfound" aria-labelledby="status-title">
<p class="banner-icon" aria-hidden="true">${STATUS_ICON.notfound}</p>
<h1 id="status-title" class="banner-title">${escapeHtml(m.notFoundTitle)}</h1>
<p>${escapeHtml(m.notFoundLead)}</p>
</section>
<section class="warning" aria-labelledby="warning-title">
<h2 id="warning-title">⚠ ${escapeHtml(m.warningHeading)}</h2>
<p>${escapeHtml(m.notFoundForged)}</p>
</section>
<section class="card-section">
${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n')}
${freshness(ctx, data.registryLastReportedAt)}
<p>${escapeHtml(m.notFoundAdvice)}</p>
${nationalLookupLink(m)}
${reportLink(ctx, { publicId: data.publicId, number: data.number, body: data.bodyCode, category: 'not-in-registry' })}
</section>
${lookupForm(ctx, { number: data.number, body: data.bodyCode })}`,
  });
}

/** A lookup by number that matched certificates of several bodies. */
export function renderNumberListPage(ctx: PageContext, number: string, items: PublicCertificate[]): string {
  const m = messagesFor(ctx.lang);
  const title = m.foundManyTitle(items.length, number);
  return layout(ctx, {
    title,
    main: `<h1>${escapeHtml(title)}</h1>
<p class="lead">${escapeHtml(m.foundManyHint)}</p>
<ol class="results">${items.map((c) => resultItem(ctx, c)).join('\n')}</ol>`,
  });
}

/**
 * A page for bad input (4xx) or a failure (5xx), in the page language, with the forms to retry. Never in
 * the red of a "not valid" verdict: nothing here says anything about a certificate.
 */
export function renderErrorPage(
  ctx: PageContext,
  error: { status: number; code: ErrorCode; form?: FormValues; retryAfterSeconds?: number },
): string {
  const m = messagesFor(ctx.lang);
  const title =
    error.code === 'ROUTE_NOT_FOUND'
      ? m.pageNotFoundTitle
      : error.code === 'RATE_LIMITED'
        ? m.rateLimitedTitle
        : m.errorStatusTitle(error.status);
  const wait =
    error.code === 'RATE_LIMITED' && error.retryAfterSeconds
      ? `\n<p class="retry-after">${escapeHtml(m.retryAfter(error.retryAfterSeconds))}</p>`
      : '';
  const forms =
    error.status < 500 && error.form
      ? `<p>${escapeHtml(m.tryAgain)}</p>
${error.form.q !== undefined ? searchForm(ctx, error.form) : lookupForm(ctx, error.form)}`
      : `<p><a href="${escapeHtml(href(ctx, '/'))}">${escapeHtml(m.backHome)}</a></p>`;
  return layout(ctx, {
    title,
    main: `<section class="banner banner-notice" aria-labelledby="status-title">
<h1 id="status-title" class="banner-title">${escapeHtml(title)}</h1>
<p class="error-message" data-code="${escapeHtml(error.code)}">${escapeHtml(errorText(error.code, ctx.lang))}</p>${wait}
</section>
${forms}`,
  });
}
