/**
 * The error handler of a server-rendered page: any error becomes an HTML page in the page's language with
 * its status and stable code, never a stack trace; what no one expected is logged and answered 500.
 */
import type { ErrorRequestHandler, Request } from 'express';
import { AppError, isAppError, type ErrorCode } from './errors';
import type { Logger } from './logger';
import { retryAfterOf } from './page-frame';
import { storeUnavailable } from './store-failure';

/** Renders the error page (the lookup pages' one, as a rule) for a request. */
export type ErrorPageRenderer = (
  req: Request,
  error: { status: number; code: ErrorCode; retryAfterSeconds?: number },
) => string;

export function htmlPageErrors(logger: Logger, render: ErrorPageRenderer): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let error: AppError;
    if (isAppError(err)) {
      error = err;
    } else if (storeUnavailable(err)) {
      error = storeUnavailable(err) as AppError;
    } else if (err instanceof URIError) {
      error = new AppError('MALFORMED_URL', 'The URL is not validly percent-encoded.');
    } else {
      logger.error({ err, method: req.method, route: req.route?.path }, 'unhandled page error');
      error = new AppError('INTERNAL_ERROR', 'Something went wrong on our side; please try again.');
    }
    if (res.headersSent) return void res.end();
    res
      .status(error.status)
      .set({ 'Cache-Control': 'no-store', Vary: 'Accept-Language' })
      .type('html')
      .send(render(req, { status: error.status, code: error.code, retryAfterSeconds: retryAfterOf(res) }));
  };
}
