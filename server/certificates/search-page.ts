/**
 * `/search`: the search box with its filters (status, scheme, certifying body) above one page of
 * results, each with its status and expiry date. A query too short to search is answered on this page
 * with a hint, never an error page. Pure functions to HTML; every value escaped; works without JavaScript.
 */
import { escapeHtml } from '../platform/html';
import { href, layout, type PageContext } from '../platform/page-frame';
import type { Lang } from '../platform/i18n';
import { SCHEMES } from '../schemes/schemes';
import { messagesFor, nationalLookupLink } from './certificate-texts';
import { STATUSES, type PublicCertificate, type Status } from './certificate-schema';
import { MAX_SEARCH_DEPTH, type SearchFilters, type SearchResult } from './certificate-service';
import { searchTextsFor } from './search-texts';

/** A certifying body as the filter offers it. */
export interface BodyChoice {
  code: string;
  name: string;
  nameEn?: string;
}

/** What the search page shows: results, or the hint for a query too short (or none yet). */
export type SearchPageData =
  | { kind: 'results'; query: string; filters: SearchFilters; result: SearchResult; bodies: BodyChoice[] }
  | { kind: 'short' | 'empty'; query: string; filters: SearchFilters; bodies: BodyChoice[] };

function bodyName(lang: Lang, body: BodyChoice): string {
  return lang === 'en' && body.nameEn ? body.nameEn : body.name;
}

function option(value: string, label: string, selected: boolean): string {
  return `<option value="${escapeHtml(value)}"${selected ? ' selected' : ''}>${escapeHtml(label)}</option>`;
}

function select(id: string, label: string, options: string[]): string {
  return `<div class="filter"><label for="${id}">${escapeHtml(label)}</label>
<select id="${id}" name="${id}">${options.join('')}</select></div>`;
}

/** The search box and its filters: a plain GET form (the language travels as a hidden field). */
export function searchBox(
  ctx: PageContext,
  query: string,
  filters: SearchFilters,
  bodies: BodyChoice[],
): string {
  const m = messagesFor(ctx.lang);
  const s = searchTextsFor(ctx.lang);
  const statuses = [
    option('', s.anyStatus, filters.status === undefined),
    ...STATUSES.map((st) => option(st, m.status[st].badge, filters.status === st)),
  ];
  const schemes = [
    option('', s.anyScheme, filters.scheme === undefined),
    ...SCHEMES.map((sc) => option(sc.code, sc[ctx.lang], filters.scheme === sc.code)),
  ];
  const bodyOptions = [
    option('', s.anyBody, filters.bodyCode === undefined),
    ...bodies.map((b) => option(b.code, `${bodyName(ctx.lang, b)} (${b.code})`, filters.bodyCode === b.code)),
  ];
  const lang = ctx.explicitLang ? `<input type="hidden" name="lang" value="${ctx.explicitLang}">` : '';
  // Closed until a filter is in force: on a phone the results stay near the box (works without JavaScript).
  const filtered = (filters.status ?? filters.scheme ?? filters.bodyCode) !== undefined;
  return `<section class="panel search-box" aria-labelledby="search-title">
<h2 id="search-title">${escapeHtml(m.searchHeading)}</h2>
<form method="get" action="/search" class="form" role="search">
<label for="q">${escapeHtml(m.searchLabel)}</label>
<p class="hint" id="q-hint">${escapeHtml(m.searchHint)}</p>
<input id="q" name="q" type="search" maxlength="100" aria-describedby="q-hint" value="${escapeHtml(query)}">
<details class="filters-box"${filtered ? ' open' : ''}>
<summary>${escapeHtml(s.filtersLegend)}</summary>
<div class="filters">
${select('status', s.statusLabel, statuses)}
${select('scheme', s.schemeLabel, schemes)}
${select('body', s.bodyLabel, bodyOptions)}
</div>
</details>
${lang}
<button type="submit">${escapeHtml(m.searchButton)}</button>
</form>
</section>`;
}

/** One listed certificate: status badge, holder, number · scheme · body, credit code, expiry date. */
export function resultItem(ctx: PageContext, cert: PublicCertificate): string {
  const m = messagesFor(ctx.lang);
  const body = cert.body ? bodyName(ctx.lang, cert.body) : undefined;
  const details = [cert.number, cert.scheme[ctx.lang], body]
    .filter((d): d is string => Boolean(d))
    .join(' · ');
  const kind = cert.status === 'valid' || cert.status === 'expired' ? cert.status : 'other';
  const expiry = searchTextsFor(ctx.lang).expiresOn(cert.expiryDate, kind);
  return `<li class="result"><a href="${escapeHtml(href(ctx, `/v/${encodeURIComponent(cert.publicId)}`))}">
<span class="badge badge-${cert.status}">${escapeHtml(m.status[cert.status].badge)}</span>
<span class="result-name">${escapeHtml(cert.holder.name)}</span></a>
<span class="result-details">${escapeHtml(details)}</span>
<span class="result-details code">${escapeHtml(cert.holder.creditCode)}</span>
<span class="result-details result-expiry">${escapeHtml(expiry)}</span></li>`;
}

/** The filters in force, in words ("Filtered by Valid, Quality management system"). */
function filterSummary(ctx: PageContext, filters: SearchFilters, bodies: BodyChoice[]): string {
  const m = messagesFor(ctx.lang);
  const parts: string[] = [];
  if (filters.status) parts.push(m.status[filters.status as Status].badge);
  const scheme = SCHEMES.find((sc) => sc.code === filters.scheme);
  if (scheme) parts.push(scheme[ctx.lang]);
  if (filters.bodyCode) {
    const body = bodies.find((b) => b.code === filters.bodyCode);
    parts.push(body ? bodyName(ctx.lang, body) : filters.bodyCode);
  }
  return parts.length > 0
    ? `<p class="muted">${escapeHtml(searchTextsFor(ctx.lang).filteredBy(parts))}</p>`
    : '';
}

function resultsSection(
  ctx: PageContext,
  query: string,
  filters: SearchFilters,
  result: SearchResult,
): string {
  const m = messagesFor(ctx.lang);
  const { page, pageSize, total, totalCapped, items } = result;
  const pages = Math.max(1, Math.min(Math.ceil(total / pageSize), Math.floor(MAX_SEARCH_DEPTH / pageSize)));
  const link = (p: number, label: string, rel: string) =>
    `<a href="${escapeHtml(
      href(ctx, '/search', {
        q: query,
        status: filters.status,
        scheme: filters.scheme,
        body: filters.bodyCode,
        page: p > 1 ? p : undefined,
        pageSize: ctx.query.pageSize,
      }),
    )}" rel="${rel}">${escapeHtml(label)}</a>`;
  const nav: string[] = [];
  if (page > 1) nav.push(link(Math.min(page - 1, pages), m.previousPage, 'prev'));
  if (total > 0) nav.push(`<span>${escapeHtml(m.pageOf(Math.min(page, pages), pages))}</span>`);
  if (page < pages) nav.push(link(page + 1, m.nextPage, 'next'));
  const list =
    items.length > 0
      ? `<ol class="results" start="${(page - 1) * pageSize + 1}">${items.map((c) => resultItem(ctx, c)).join('\n')}</ol>`
      : total > 0
        ? `<p>${escapeHtml(m.searchPastEnd)}</p><p>${link(1, m.firstPage, 'first')}</p>`
        : `<p>${escapeHtml(m.searchNone)}</p>\n${nationalLookupLink(m)}`;
  return `<p class="lead" id="search-total">${escapeHtml(m.searchTotal(total, totalCapped))}</p>
${list}
${nav.length > 0 ? `<nav class="pager" aria-label="${escapeHtml(m.pageOf(page, pages))}">${nav.join(' ')}</nav>` : ''}`;
}

/** `/search`: the search box on top, then the results (or the hint for a query too short to search). */
export function renderSearchPage(ctx: PageContext, data: SearchPageData): string {
  const m = messagesFor(ctx.lang);
  const s = searchTextsFor(ctx.lang);
  const title = data.kind === 'results' ? m.searchTitle(data.query) : s.searchPageTitle;
  const below =
    data.kind === 'results'
      ? `${filterSummary(ctx, data.filters, data.bodies)}
${resultsSection(ctx, data.query, data.filters, data.result)}`
      : data.kind === 'short'
        ? `<section class="note search-hint" role="status" aria-labelledby="hint-title">
<h2 id="hint-title">${escapeHtml(s.shortQueryTitle)}</h2>
<p>${escapeHtml(s.shortQueryHint)}</p>
</section>`
        : `<p class="hint">${escapeHtml(s.emptyQueryHint)}</p>`;
  return layout(ctx, {
    title,
    main: `<h1>${escapeHtml(title)}</h1>
${searchBox(ctx, data.query, data.filters, data.bodies)}
${below}`,
  });
}
