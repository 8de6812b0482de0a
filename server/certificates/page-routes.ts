import { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import type { BodyService } from '../bodies/body-service';
import { AppError, isAppError } from '../platform/errors';
import { parseInput } from '../platform/http';
import { asLang, pickLang } from '../platform/i18n';
import type { Logger } from '../platform/logger';
import { numberQuerySchema, searchQuerySchema } from './certificate-routes';
import { publicIdSchema, type PublicCertificate } from './certificate-schema';
import type { CertificateService } from './certificate-service';
import {
  renderCertificatePage,
  renderErrorPage,
  renderHomePage,
  renderNotFoundPage,
  renderNumberListPage,
  renderSearchPage,
  type FormValues,
} from './verification-page';
import type { PageContext } from '../platform/page-frame';

export interface PageRouteOptions {
  logger: Logger;
  /** The public rate limit, shared with the API so that a client has one budget. */
  rateLimit?: RequestHandler;
  /** PUBLIC_BASE_URL: the address printed codes point to (a result page served elsewhere says so). */
  publicBaseUrl?: string;
}

/** Query parameters as plain strings (repeated or nested ones dropped): what links and forms echo. */
function stringParams(query: Request['query'], keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const value = query[key];
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

/** The query minus `lang` (a page concern the API schemas rightly reject) and empty optional fields. */
function apiQuery(query: Request['query'], optional: readonly string[] = []): Record<string, unknown> {
  const { lang: _lang, ...rest } = query;
  for (const key of optional) {
    const value = rest[key];
    // An optional form field left blank means "not given", not "invalid".
    if (typeof value === 'string' && value.trim() === '') delete rest[key];
  }
  return rest;
}

const contexts = new WeakMap<Request, { ctx: PageContext; form?: FormValues }>();

/** Builds the page context (language, path for the switch link) and remembers it for the error handler. */
function pageContext(
  req: Request,
  path: string,
  keep: readonly string[] = [],
  form?: FormValues,
): PageContext {
  const explicitLang = asLang(req.query.lang);
  const ctx: PageContext = {
    lang: pickLang(req.query.lang, req.get('accept-language')),
    explicitLang,
    path,
    query: stringParams(req.query, keep),
    now: Date.now(),
  };
  contexts.set(req, { ctx, form });
  return ctx;
}

/** Pages vary by language and show live statuses: never cached anywhere. */
function sendPage(res: Response, status: number, html: string): void {
  res.status(status).set({ 'Cache-Control': 'no-store', Vary: 'Accept-Language' }).type('html').send(html);
}

async function orNullIfNotFound(lookup: Promise<PublicCertificate>): Promise<PublicCertificate | null> {
  try {
    return await lookup;
  } catch (error) {
    if (isAppError(error) && error.code === 'CERTIFICATE_NOT_FOUND') return null;
    throw error;
  }
}

/**
 * Renders page errors as HTML in the page's language. It sits on each page route (not on the app), so
 * the API keeps its problem+json answers and errors of other routes never reach it.
 */
function pageErrors(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const saved = contexts.get(req);
    const ctx = saved?.ctx ?? pageContext(req, '/');
    let error: AppError;
    if (isAppError(err)) {
      error = err;
    } else if (err instanceof URIError) {
      // The router could not percent-decode the path parameter: a truncated or mangled QR link.
      error = new AppError('MALFORMED_URL', 'The URL is not validly percent-encoded.');
    } else {
      const status = (err as { status?: unknown } | null)?.status;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        error = new AppError('VALIDATION_FAILED', 'The request is malformed.');
      } else {
        logger.error({ err, method: req.method, route: req.route?.path }, 'unhandled page error');
        error = new AppError('INTERNAL_ERROR', 'Something went wrong on our side; please try again.');
      }
    }
    if (res.headersSent) return void res.end();
    sendPage(
      res,
      error.status,
      renderErrorPage(ctx, { status: error.status, code: error.code, form: saved?.form }),
    );
  };
}

/** Typed handlers: the overloads of `router.get` cannot infer them next to an error handler. */
type PageHandler<Params = Record<string, never>> = RequestHandler<Params>;

/** The server-rendered public pages: home, verification result, lookup by number, search. */
export function pageRoutes(
  services: { certificates: CertificateService; bodies: BodyService },
  options: PageRouteOptions,
): Router {
  const { certificates, bodies } = services;
  const router = Router();
  const limit: RequestHandler = options.rateLimit ?? ((_req, _res, next) => next());
  const onError = pageErrors(options.logger);
  const officialOrigin = options.publicBaseUrl ? new URL(options.publicBaseUrl).origin : undefined;

  router.get(
    '/',
    limit,
    (async (req, res) => {
      const ctx = pageContext(req, '/');
      sendPage(res, 200, renderHomePage(ctx, { latestReportAt: await bodies.latestReportAt() }));
    }) as PageHandler,
    onError,
  );

  router.get(
    '/v/:publicId',
    limit,
    (async (req, res) => {
      const { publicId } = req.params;
      const ctx = pageContext(req, `/v/${encodeURIComponent(publicId)}`, [], {});
      if (!publicIdSchema.safeParse(publicId).success) {
        throw new AppError('INVALID_PUBLIC_ID', 'A public id is 22 letters, digits, - or _.');
      }
      const cert = await orNullIfNotFound(certificates.getByPublicId(publicId));
      if (cert) return sendPage(res, 200, renderCertificatePage(ctx, cert, { qr: true, officialOrigin }));
      const registryLastReportedAt = await bodies.latestReportAt();
      sendPage(res, 404, renderNotFoundPage(ctx, { publicId, registryLastReportedAt }));
    }) as PageHandler<{ publicId: string }>,
    onError,
  );

  router.get(
    '/lookup',
    limit,
    (async (req, res) => {
      const form = stringParams(req.query, ['number', 'body']);
      const ctx = pageContext(req, '/lookup', ['number', 'body'], form);
      const { number, body } = parseInput(numberQuerySchema, apiQuery(req.query, ['body']), 'INVALID_QUERY');
      const found = await certificates.findByNumber(number, body);
      const [first] = found.items;
      if (found.items.length === 1 && first) return sendPage(res, 200, renderCertificatePage(ctx, first));
      if (found.items.length > 1) return sendPage(res, 200, renderNumberListPage(ctx, number, found.items));
      sendPage(
        res,
        404,
        renderNotFoundPage(ctx, {
          number,
          bodyCode: body,
          body: found.body,
          registryLastReportedAt: found.registryLastReportedAt,
        }),
      );
    }) as PageHandler,
    onError,
  );

  router.get(
    '/search',
    limit,
    (async (req, res) => {
      const ctx = pageContext(req, '/search', ['q', 'page', 'pageSize'], {
        q: stringParams(req.query, ['q']).q ?? '',
      });
      const { q, page, pageSize } = parseInput(searchQuerySchema, apiQuery(req.query), 'INVALID_QUERY');
      sendPage(res, 200, renderSearchPage(ctx, q, await certificates.search(q, page, pageSize)));
    }) as PageHandler,
    onError,
  );

  // Errors raised while matching `/v/:publicId` itself (a path parameter that cannot be decoded) never
  // reach the route's handlers; only page URLs start with /v, so this catches nothing of the API's.
  router.use('/v', onError);

  return router;
}
