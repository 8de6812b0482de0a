/**
 * `/report/status`: anyone holding a tip's reference sees its state (received, under review, closed) and
 * dates, and nothing else. A plain GET form, works without JavaScript; a reference that cannot be one
 * (400) or that no tip has (404) is answered on the same form, alike whatever the reference says.
 */
import { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { renderErrorPage } from '../certificates/verification-page';
import { AppError, isAppError, type ErrorCode } from '../platform/errors';
import { escapeHtml } from '../platform/html';
import { parseInput } from '../platform/http';
import { asLang, pickLang } from '../platform/i18n';
import type { Logger } from '../platform/logger';
import { href, layout, type PageContext } from '../platform/page-frame';
import { TIP_ERROR_TEXT } from './tip-texts';
import { tipStatusQuerySchema, type TipStatus } from './tip-schema';
import type { TipService } from './tip-service';
import { tipStatusTextsFor } from './tip-status-texts';

/** The refusals the form shows itself; anything else is the site's error page. */
const ON_THE_FORM = ['INVALID_TIP_REFERENCE', 'TIP_REFERENCE_NOT_FOUND'] as const;
type FormCode = (typeof ON_THE_FORM)[number];

function context(req: Request): PageContext {
  return {
    lang: pickLang(req.query.lang, req.get('accept-language')),
    explicitLang: asLang(req.query.lang),
    path: '/report/status',
    // The language switch keeps the reference: the reader asked about it.
    query: typeof req.query.reference === 'string' ? { reference: req.query.reference } : {},
    now: Date.now(),
  };
}

function sendHtml(res: Response, status: number, html: string): void {
  res.status(status).set({ 'Cache-Control': 'no-store', Vary: 'Accept-Language' }).type('html').send(html);
}

/** The page: the form (with what was typed and any refusal), then the answer when there is one. */
export function renderTipStatusPage(
  ctx: PageContext,
  data: { reference?: string; status?: TipStatus; problem?: FormCode },
): string {
  const s = tipStatusTextsFor(ctx.lang);
  const { status, problem } = data;
  const error = problem
    ? `<p class="field-error" id="reference-error" role="alert" data-code="${problem}">${escapeHtml(TIP_ERROR_TEXT[problem][ctx.lang])}</p>`
    : '';
  const lang = ctx.explicitLang ? `<input type="hidden" name="lang" value="${ctx.explicitLang}">` : '';
  const answer = status
    ? `<section class="panel tip-status" aria-labelledby="state-title">
<h2 id="state-title">${escapeHtml(s.stateHeading)}</h2>
<p class="tip-state tip-state-${status.state}"><strong id="tip-state">${escapeHtml(s.state[status.state])}</strong></p>
<p>${escapeHtml(s.stateMeaning[status.state])}</p>
<dl class="facts">
<dt>${escapeHtml(s.referenceLabel)}</dt><dd class="code">${escapeHtml(status.reference)}</dd>
<dt>${escapeHtml(s.receivedOn)}</dt><dd>${escapeHtml(status.receivedOn)}</dd>
${status.closedOn ? `<dt>${escapeHtml(s.closedOn)}</dt><dd>${escapeHtml(status.closedOn)}</dd>` : ''}
</dl>
</section>`
    : '';
  return layout(ctx, {
    title: s.title,
    main: `<h1>${escapeHtml(s.title)}</h1>
<p class="lead">${escapeHtml(s.lead)}</p>
<form method="get" action="/report/status" class="form panel">
<label for="reference">${escapeHtml(s.referenceLabel)}</label>
<p class="hint" id="reference-hint">${escapeHtml(s.referenceHint)}</p>
${error}<input id="reference" name="reference" type="text" maxlength="64" autocomplete="off" autocapitalize="characters" spellcheck="false" value="${escapeHtml(data.reference ?? '')}" aria-describedby="reference-hint${problem ? ' reference-error' : ''}"${problem ? ' aria-invalid="true"' : ''}>
${lang}
<button type="submit">${escapeHtml(s.check)}</button>
</form>
${answer}
<p class="muted">${escapeHtml(s.keepPrivate)}</p>`,
  });
}

/** The link the confirmation of a report carries to its status page. */
export function tipStatusHref(ctx: PageContext, reference: string): string {
  return href(ctx, '/report/status', { reference });
}

function pageErrors(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let error: AppError;
    if (isAppError(err)) {
      error = err;
    } else {
      logger.error({ err, method: req.method, route: req.route?.path }, 'unhandled page error');
      error = new AppError('INTERNAL_ERROR', 'Something went wrong on our side; please try again.');
    }
    if (res.headersSent) return void res.end();
    sendHtml(res, error.status, renderErrorPage(context(req), { status: error.status, code: error.code }));
  };
}

const pass: RequestHandler = (_req, _res, next) => next();

export function tipStatusPageRoutes(
  services: { tips: Pick<TipService, 'status'> },
  options: {
    logger: Logger;
    /** The pages' limit: the empty form. */
    rateLimit?: RequestHandler;
    /** The tip submissions' limit: every question about a reference counts against it. */
    lookupLimit?: RequestHandler;
  },
): Router {
  const router = Router();
  const pageLimit = options.rateLimit ?? pass;
  const lookupLimit = options.lookupLimit ?? pass;
  const limit: RequestHandler = (req, res, next) =>
    (req.query.reference === undefined ? pageLimit : lookupLimit)(req, res, next);

  const show: RequestHandler = async (req, res) => {
    const ctx = context(req);
    const { lang: _lang, ...query } = req.query;
    if (query.reference === undefined) return sendHtml(res, 200, renderTipStatusPage(ctx, {}));
    const typed = typeof query.reference === 'string' ? query.reference : undefined;
    try {
      const { reference } = parseInput(tipStatusQuerySchema, query, 'INVALID_QUERY');
      const status = await services.tips.status(reference);
      sendHtml(res, 200, renderTipStatusPage(ctx, { reference: status.reference, status }));
    } catch (error) {
      const code = isAppError(error) ? (error.code as ErrorCode) : undefined;
      const problem = ON_THE_FORM.find((c) => c === code);
      if (!problem) throw error;
      sendHtml(res, (error as AppError).status, renderTipStatusPage(ctx, { reference: typed, problem }));
    }
  };
  router.get('/report/status', limit, show, pageErrors(options.logger));
  return router;
}
