/**
 * `/dishonesty`: the public dishonesty list as a server-rendered page, in the frame and style of the
 * other public pages (zh/en, works without JavaScript, every value escaped).
 */
import { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import type { DishonestyService } from './dishonesty-service';
import { renderErrorPage } from '../certificates/verification-page';
import { href, layout, pageContextOf, retryAfterOf, type PageContext } from '../platform/page-frame';
import { AppError, isAppError } from '../platform/errors';
import { storeUnavailable } from '../platform/store-failure';
import { escapeHtml } from '../platform/html';
import { parseInput } from '../platform/http';
import { messagesFor } from '../certificates/certificate-texts';
import type { Logger } from '../platform/logger';
import { listQuerySchema } from './dishonesty-routes';
import {
  SUBJECT_KINDS,
  type PublicRecord,
  type PublicRecordList,
  type SubjectKind,
} from './dishonesty-schema';

const KEPT_PARAMS = ['kind', 'q', 'page', 'pageSize'] as const;

const context = (req: Request): PageContext => pageContextOf(req, '/dishonesty', KEPT_PARAMS);

function fact(label: string, value: string, attrs = ''): string {
  return `<dt>${escapeHtml(label)}</dt><dd${attrs}>${escapeHtml(value)}</dd>`;
}

function recordItem(ctx: PageContext, record: PublicRecord): string {
  const m = messagesFor(ctx.lang);
  const d = m.dishonesty;
  const { subject } = record;
  const codes =
    subject.kind === 'organisation'
      ? fact(m.creditCode, subject.creditCode ?? '', ' class="code"')
      : subject.kind === 'body'
        ? fact(m.bodyCodeLabel, subject.bodyCode ?? '', ' class="code"')
        : fact(d.auditorBody, subject.bodyCode ?? '', ' class="code"');
  const notice = record.repairNotice
    ? `<p class="note">${escapeHtml(d.repairNotice(record.repairNotice.noticeStartDate, record.repairNotice.noticeEndDate))}</p>
<p class="muted">${escapeHtml(d.repairStatement + m.colon + record.repairNotice.statement)}</p>`
    : '';
  return `<li class="result card-section" id="r-${escapeHtml(record.id)}">
<span class="badge">${escapeHtml(d.severity[record.severity])}</span>
<span class="result-name">${escapeHtml(subject.name)}</span>
<span class="result-details">${escapeHtml(d.kind[subject.kind])}</span>
<dl class="facts">
${codes}
${fact(d.startDate, record.startDate)}
${fact(d.basis, record.basis)}
${fact(d.facts, record.facts)}
${record.caseRef ? fact(d.caseRef, record.caseRef, ' class="code"') : ''}
${fact(d.earliestRepair, record.earliestRepairDate)}
${
  record.logEntry
    ? `<dt>${escapeHtml(d.logEntry)}</dt><dd>${escapeHtml(d.logEntryValue(record.logEntry.seq))} · <a href="${escapeHtml(record.logEntry.inclusionProof)}" data-log-proof="${record.logEntry.index}">${escapeHtml(d.logProofLink)}</a> · <a href="/api/v1/audit/checkpoint">${escapeHtml(d.logCheckpointLink)}</a></dd>`
    : ''
}
</dl>
${notice}
</li>`;
}

/** What the list page shows above its records: nothing, a search's result, or the problem with a query. */
export interface ListSearch {
  /** The query as typed. */
  q?: string;
  /** A query that could not be searched (too short, a mistyped credit code): its code. */
  problem?: 'QUERY_TOO_SHORT' | 'INVALID_CREDIT_CODE';
}

function searchForm(ctx: PageContext, kind: SubjectKind | undefined, q: string): string {
  const d = messagesFor(ctx.lang).dishonesty;
  const hidden = [
    kind ? `<input type="hidden" name="kind" value="${escapeHtml(kind)}">` : '',
    ctx.explicitLang ? `<input type="hidden" name="lang" value="${ctx.explicitLang}">` : '',
  ].join('');
  return `<form method="get" action="/dishonesty" class="form panel" role="search">
<label for="q">${escapeHtml(d.searchLabel)}</label>
<p class="hint" id="q-hint">${escapeHtml(d.searchHint)}</p>
<input id="q" name="q" type="search" maxlength="100" aria-describedby="q-hint" value="${escapeHtml(q)}">
${hidden}
<button type="submit">${escapeHtml(d.searchButton)}</button>
</form>`;
}

/** The whole list page: search box, filter by kind, one page of records, pager. */
export function renderDishonestyPage(
  ctx: PageContext,
  kind: SubjectKind | undefined,
  list: PublicRecordList,
  search: ListSearch = {},
): string {
  const m = messagesFor(ctx.lang);
  const d = m.dishonesty;
  const { page, pageSize, total, items } = list;
  const q = search.q?.trim() ? search.q : undefined;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const size = pageSize === 20 ? undefined : pageSize;
  const filterLink = (k: SubjectKind | undefined, label: string) =>
    k === kind
      ? `<strong aria-current="page">${escapeHtml(label)}</strong>`
      : `<a href="${escapeHtml(href(ctx, '/dishonesty', { kind: k, q, pageSize: size }))}">${escapeHtml(label)}</a>`;
  const filters = [filterLink(undefined, d.kindAll), ...SUBJECT_KINDS.map((k) => filterLink(k, d.kind[k]))];
  const pageLink = (p: number, label: string, rel: string) =>
    `<a href="${escapeHtml(href(ctx, '/dishonesty', { kind, q, page: p > 1 ? p : undefined, pageSize: size }))}" rel="${rel}">${escapeHtml(label)}</a>`;
  const nav: string[] = [];
  if (page > 1) nav.push(pageLink(Math.min(page - 1, pages), m.previousPage, 'prev'));
  if (total > 0) nav.push(`<span>${escapeHtml(m.pageOf(Math.min(page, pages), pages))}</span>`);
  if (page < pages) nav.push(pageLink(page + 1, m.nextPage, 'next'));
  const body =
    items.length > 0
      ? `<ol class="results" start="${(page - 1) * pageSize + 1}">${items.map((r) => recordItem(ctx, r)).join('\n')}</ol>`
      : total > 0
        ? `<p>${escapeHtml(m.searchPastEnd)}</p><p>${pageLink(1, m.firstPage, 'first')}</p>`
        : q
          ? '' // the summary above says that nothing was found
          : `<p>${escapeHtml(d.none)}</p>`;
  const showAll = `<a href="${escapeHtml(href(ctx, '/dishonesty', { kind }))}">${escapeHtml(d.showAll)}</a>`;
  const summary = search.problem
    ? `<section class="note search-hint" role="status" data-code="${search.problem}">
<p>${escapeHtml(search.problem === 'QUERY_TOO_SHORT' ? d.shortQuery : d.badCreditCode)}</p>
<p>${showAll}</p>
</section>`
    : q
      ? `<p id="list-total">${escapeHtml(d.found(q, total))} · ${showAll}</p>`
      : `<p id="list-total">${escapeHtml(d.total(total))}</p>`;
  return layout(ctx, {
    title: d.listTitle,
    indexable: !q,
    main: `<h1>${escapeHtml(d.listTitle)}</h1>
<p class="lead">${escapeHtml(d.listLead)}</p>
${searchForm(ctx, kind, search.q ?? '')}
<nav class="pager" aria-label="${escapeHtml(d.filterLabel)}">${filters.join(' ')}</nav>
${summary}
${search.problem ? '' : body}
${!search.problem && nav.length > 0 ? `<nav class="pager" aria-label="${escapeHtml(m.pageOf(page, pages))}">${nav.join(' ')}</nav>` : ''}`,
  });
}

/** The list page's errors as an HTML page in its language (a bad `page` or `kind` is a 400, never a 500). */
function pageErrors(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let error: AppError;
    if (isAppError(err)) {
      error = err;
    } else if (storeUnavailable(err)) {
      error = storeUnavailable(err) as AppError;
    } else {
      logger.error({ err, method: req.method, route: req.route?.path }, 'unhandled page error');
      error = new AppError('INTERNAL_ERROR', 'Something went wrong on our side; please try again.');
    }
    if (res.headersSent) return void res.end();
    res
      .status(error.status)
      .set({ 'Cache-Control': 'no-store', Vary: 'Accept-Language' })
      .type('html')
      .send(
        renderErrorPage(context(req), {
          status: error.status,
          code: error.code,
          retryAfterSeconds: retryAfterOf(res),
        }),
      );
  };
}

export function dishonestyPageRoutes(
  services: { dishonesty: DishonestyService },
  options: { logger: Logger; rateLimit?: RequestHandler },
): Router {
  const router = Router();
  const limit: RequestHandler = options.rateLimit ?? ((_req, _res, next) => next());

  const listPage: RequestHandler = async (req, res) => {
    const ctx = context(req);
    const { lang: _lang, ...query } = req.query;
    // A search box submitted empty is the whole list.
    if (typeof query.q === 'string' && query.q.trim() === '') delete query.q;
    const { kind, q, page, pageSize } = parseInput(listQuerySchema, query, 'INVALID_QUERY');
    let list: PublicRecordList;
    let search: ListSearch = { q };
    try {
      list = await services.dishonesty.listPublic({ kind, q, page, pageSize });
    } catch (error) {
      // A query that cannot be searched is answered on the list page, with the box to try again.
      if (!isAppError(error) || (error.code !== 'QUERY_TOO_SHORT' && error.code !== 'INVALID_CREDIT_CODE')) {
        throw error;
      }
      list = { items: [], total: 0, page, pageSize };
      search = { q, problem: error.code };
    }
    // The list changes with every listing and repair, and the page varies by language.
    res
      .status(search.problem === 'INVALID_CREDIT_CODE' ? 400 : 200)
      .set({ 'Cache-Control': 'no-store', Vary: 'Accept-Language' })
      .type('html')
      .send(renderDishonestyPage(ctx, kind, list, search));
  };
  router.get('/dishonesty', limit, listPage, pageErrors(options.logger));

  return router;
}
