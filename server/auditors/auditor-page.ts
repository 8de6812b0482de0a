/**
 * `/auditors/:registration`: an auditor's public integrity file (诚信档案) as a server-rendered page, in
 * the frame of the other public pages (zh/en, works without JavaScript, every value escaped). It shows
 * only what the auditor register itself publishes about the person (name, registration number,
 * qualifications and their validity), the number of audits bodies reported with them, and the public
 * list's records naming them. An unknown or malformed number is a 404 or 400 page, never a 500.
 */
import { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { renderErrorPage } from '../certificates/verification-page';
import { messagesFor } from '../certificates/certificate-texts';
import { todayInChina } from '../platform/china-time';
import { AppError, isAppError } from '../platform/errors';
import { escapeHtml } from '../platform/html';
import { parseInput } from '../platform/http';
import type { Logger } from '../platform/logger';
import { href, layout, pageContextOf, retryAfterOf, type PageContext } from '../platform/page-frame';
import { storeUnavailable } from '../platform/store-failure';
import { findScheme } from '../schemes/schemes';
import { auditorParamsSchema } from './auditor-schema';
import type { AuditorProfile, AuditorService } from './auditor-service';
import { AUDITOR_PAGE_TEXTS } from './auditor-texts';

const context = (req: Request): PageContext =>
  pageContextOf(req, `/auditors/${encodeURIComponent(String(req.params.registration ?? ''))}`);

function fact(label: string, value: string, attrs = ''): string {
  return `<dt>${escapeHtml(label)}</dt><dd${attrs}>${escapeHtml(value)}</dd>`;
}

/** The auditor's page: the registration, the audits reported with them, their dishonesty records. */
export function renderAuditorPage(ctx: PageContext, profile: AuditorProfile, today: string): string {
  const t = AUDITOR_PAGE_TEXTS[ctx.lang];
  const m = messagesFor(ctx.lang);
  const { auditor, audits, records } = profile;
  const state =
    auditor.validTo < today ? 'expired' : auditor.validFrom > today ? 'notYetValid' : ('valid' as const);
  const schemes = auditor.schemes
    .map((code) => {
      const scheme = findScheme(code);
      return `<li>${escapeHtml(scheme ? `${scheme[ctx.lang]} (${code})` : code)}</li>`;
    })
    .join('');
  const total = audits.reduce((sum, a) => sum + a.audits, 0);
  const auditTable =
    audits.length === 0
      ? `<p>${escapeHtml(t.noAudits)}</p>`
      : `<table class="compare" id="audit-counts">
<caption>${escapeHtml(t.auditsCaption)}</caption>
<thead><tr><th scope="col">${escapeHtml(t.year)}</th><th scope="col">${escapeHtml(t.body)}</th><th scope="col">${escapeHtml(t.auditCount)}</th></tr></thead>
<tbody>
${audits.map((a) => `<tr><td>${escapeHtml(a.year)}</td><td class="code">${escapeHtml(a.bodyCode)}</td><td>${escapeHtml(a.audits.toLocaleString(ctx.lang === 'zh' ? 'zh-CN' : 'en'))}</td></tr>`).join('\n')}
</tbody>
</table>
<p>${escapeHtml(t.totalAudits(total))}</p>`;
  const recordList =
    records.length === 0
      ? `<p>${escapeHtml(t.noRecords)}</p>`
      : `<ol class="results">${records
          .map(
            (r) => `<li class="result card-section" id="r-${escapeHtml(r.id)}">
<span class="badge">${escapeHtml(m.dishonesty.severity[r.severity])}</span>
<dl class="facts">
${fact(t.recordBody, r.subject.bodyCode ?? '', ' class="code"')}
${fact(t.recordStart, r.startDate)}
${fact(t.recordBasis, r.basis)}
${fact(t.recordFacts, r.facts)}
</dl>
</li>`,
          )
          .join('\n')}</ol>`;
  return layout(ctx, {
    title: t.title(auditor.name),
    indexable: true,
    main: `<h1>${escapeHtml(t.title(auditor.name))}</h1>
<p class="lead">${escapeHtml(t.lead)}</p>
<section class="panel" aria-labelledby="registration-title">
<h2 id="registration-title">${escapeHtml(t.registration)}</h2>
<p><span class="badge${state === 'valid' ? ' badge-valid' : ''}" id="registration-state">${escapeHtml(t.state[state])}</span></p>
<dl class="facts">
${fact(t.name, auditor.name)}
${fact(t.registrationNumber, auditor.registrationNumber, ' class="code"')}
<dt>${escapeHtml(t.schemes)}</dt><dd><ul id="schemes">${schemes}</ul></dd>
${auditor.level ? fact(t.level, auditor.level) : ''}
${fact(t.validity, t.validityRange(auditor.validFrom, auditor.validTo))}
</dl>
<p class="muted">${escapeHtml(t.source)}</p>
</section>
<section aria-labelledby="audits-title">
<h2 id="audits-title">${escapeHtml(t.audits)}</h2>
<p class="muted">${escapeHtml(t.auditsLead)}</p>
${auditTable}
</section>
<section aria-labelledby="records-title">
<h2 id="records-title">${escapeHtml(t.records)}</h2>
${recordList}
<p><a href="${escapeHtml(href(ctx, '/dishonesty', { kind: 'auditor' }))}">${escapeHtml(m.dishonesty.listTitle)}</a></p>
</section>`,
  });
}

/** The page for a number the register does not hold. */
export function renderAuditorNotFound(ctx: PageContext): string {
  const t = AUDITOR_PAGE_TEXTS[ctx.lang];
  return layout(ctx, {
    title: t.notFoundTitle,
    main: `<section class="banner banner-notice" aria-labelledby="status-title">
<h1 id="status-title" class="banner-title">${escapeHtml(t.notFoundTitle)}</h1>
<p class="error-message" data-code="AUDITOR_NOT_FOUND">${escapeHtml(t.notFoundLead)}</p>
</section>
<p><a href="${escapeHtml(href(ctx, '/'))}">${escapeHtml(messagesFor(ctx.lang).backHome)}</a></p>`,
  });
}

function pageErrors(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let error: AppError;
    if (isAppError(err)) error = err;
    else if (storeUnavailable(err)) error = storeUnavailable(err) as AppError;
    else {
      logger.error({ err, method: req.method, route: req.route?.path }, 'unhandled page error');
      error = new AppError('INTERNAL_ERROR', 'Something went wrong on our side; please try again.');
    }
    if (res.headersSent) return void res.end();
    const ctx = context(req);
    res
      .status(error.status)
      .set({ 'Cache-Control': 'no-store', Vary: 'Accept-Language' })
      .type('html')
      .send(
        error.code === 'AUDITOR_NOT_FOUND'
          ? renderAuditorNotFound(ctx)
          : renderErrorPage(ctx, {
              status: error.status,
              code: error.code,
              retryAfterSeconds: retryAfterOf(res),
            }),
      );
  };
}

export function auditorPageRoutes(
  services: { auditors: AuditorService },
  options: { logger: Logger; rateLimit?: RequestHandler; now?: () => number },
): Router {
  const router = Router();
  const limit: RequestHandler = options.rateLimit ?? ((_req, _res, next) => next());
  const now = options.now ?? Date.now;

  const page: RequestHandler = async (req, res) => {
    const ctx = context(req);
    const { registration } = parseInput(auditorParamsSchema, req.params);
    const profile = await services.auditors.profile(registration);
    // A mistyped case or width lands on the register's own spelling.
    if (profile.auditor.registrationNumber !== req.params.registration) {
      res.redirect(301, href(ctx, `/auditors/${encodeURIComponent(profile.auditor.registrationNumber)}`));
      return;
    }
    res
      .status(200)
      .set({ 'Cache-Control': 'public, max-age=60', Vary: 'Accept-Language' })
      .type('html')
      .send(renderAuditorPage(ctx, profile, todayInChina(now())));
  };
  router.get('/auditors/:registration', limit, page, pageErrors(options.logger));
  return router;
}
