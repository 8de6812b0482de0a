/**
 * `/dishonesty`: the public dishonesty list as a server-rendered page, in the frame and style of the
 * other public pages (zh/en, works without JavaScript, every value escaped).
 */
import { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import type { DishonestyService } from './dishonesty-service';
import { renderErrorPage } from '../certificates/verification-page';
import { href, layout, type PageContext } from '../platform/page-frame';
import { AppError, isAppError } from '../platform/errors';
import { storeUnavailable } from '../platform/store-failure';
import { escapeHtml } from '../platform/html';
import { parseInput } from '../platform/http';
import { messagesFor } from '../certificates/certificate-texts';
import { asLang, pickLang } from '../platform/i18n';
import type { Logger } from '../platform/logger';
import { listQuerySchema } from './dishonesty-routes';
import {
  SUBJECT_KINDS,
  type PublicRecord,
  type PublicRecordList,
  type SubjectKind,
} from './dishonesty-schema';

const KEPT_PARAMS = ['kind', 'page', 'pageSize'] as const;

function context(req: Request): PageContext {
  const query: Record<string, string> = {};
  for (const key of KEPT_PARAMS) {
    const value = req.query[key];
    if (typeof value === 'string') query[key] = value;
  }
  return {
    lang: pickLang(req.query.lang, req.get('accept-language')),
    explicitLang: asLang(req.query.lang),
    path: '/dishonesty',
    query,
    now: Date.now(),
  };
}

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
</dl>
${notice}
</li>`;
}

/** The whole list page: filter by kind, one page of records, pager. */
export function renderDishonestyPage(
  ctx: PageContext,
  kind: SubjectKind | undefined,
  list: PublicRecordList,
): string {
  const m = messagesFor(ctx.lang);
  const d = m.dishonesty;
  const { page, pageSize, total, items } = list;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const size = pageSize === 20 ? undefined : pageSize;
  const filterLink = (k: SubjectKind | undefined, label: string) =>
    k === kind
      ? `<strong aria-current="page">${escapeHtml(label)}</strong>`
      : `<a href="${escapeHtml(href(ctx, '/dishonesty', { kind: k, pageSize: size }))}">${escapeHtml(label)}</a>`;
  const filters = [filterLink(undefined, d.kindAll), ...SUBJECT_KINDS.map((k) => filterLink(k, d.kind[k]))];
  const pageLink = (p: number, label: string, rel: string) =>
    `<a href="${escapeHtml(href(ctx, '/dishonesty', { kind, page: p > 1 ? p : undefined, pageSize: size }))}" rel="${rel}">${escapeHtml(label)}</a>`;
  const nav: string[] = [];
  if (page > 1) nav.push(pageLink(Math.min(page - 1, pages), m.previousPage, 'prev'));
  if (total > 0) nav.push(`<span>${escapeHtml(m.pageOf(Math.min(page, pages), pages))}</span>`);
  if (page < pages) nav.push(pageLink(page + 1, m.nextPage, 'next'));
  const body =
    items.length > 0
      ? `<ol class="results" start="${(page - 1) * pageSize + 1}">${items.map((r) => recordItem(ctx, r)).join('\n')}</ol>`
      : total > 0
        ? `<p>${escapeHtml(m.searchPastEnd)}</p><p>${pageLink(1, m.firstPage, 'first')}</p>`
        : `<p>${escapeHtml(d.none)}</p>`;
  return layout(ctx, {
    title: d.listTitle,
    indexable: true,
    main: `<h1>${escapeHtml(d.listTitle)}</h1>
<p class="lead">${escapeHtml(d.listLead)}</p>
<nav class="pager" aria-label="${escapeHtml(d.filterLabel)}">${filters.join(' ')}</nav>
<p>${escapeHtml(d.total(total))}</p>
${body}
${nav.length > 0 ? `<nav class="pager" aria-label="${escapeHtml(m.pageOf(page, pages))}">${nav.join(' ')}</nav>` : ''}`,
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
      .send(renderErrorPage(context(req), { status: error.status, code: error.code }));
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
    const { kind, page, pageSize } = parseInput(listQuerySchema, query, 'INVALID_QUERY');
    const list = await services.dishonesty.listPublic({ kind, page, pageSize });
    // The list changes with every listing and repair, and the page varies by language.
    res
      .status(200)
      .set({ 'Cache-Control': 'no-store', Vary: 'Accept-Language' })
      .type('html')
      .send(renderDishonestyPage(ctx, kind, list));
  };
  router.get('/dishonesty', limit, listPage, pageErrors(options.logger));

  return router;
}
