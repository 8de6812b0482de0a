/**
 * `/report`: the public report form (a tip about a suspect certificate), server-rendered in the frame of
 * the other public pages. It works with JavaScript off: a plain form-encoded POST, refused fields shown
 * on the form in the page language, the reference number on success. The form is sent as
 * multipart/form-data (busboy) so that a photo can come with it; form-encoded bodies are taken too.
 */
import busboy from 'busboy';
import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { publicIdSchema, type PublicCertificate } from '../certificates/certificate-schema';
import type { CertificateService } from '../certificates/certificate-service';
import { renderErrorPage } from '../certificates/verification-page';
import { href, layout, pageContextOf, retryAfterOf, type PageContext } from '../platform/page-frame';
import { AppError, isAppError } from '../platform/errors';
import { escapeHtml } from '../platform/html';
import { parseInput } from '../platform/http';
import { messagesFor } from '../certificates/certificate-texts';
import { errorText } from '../error-texts';
import type { Logger } from '../platform/logger';
import { REPORT_FIELDS, reportTextsFor, type ReportField } from './tip-texts';
import { tipStatusTextsFor } from './tip-status-texts';
import { MAX_PHOTO_BYTES, submitTipSchema, TIP_CATEGORIES } from './tip-schema';
import type { TipService } from './tip-service';

/** Form-encoded bodies: 2000 CJK characters percent-encode to 18 kB; anything much larger is not a report. */
const FORM_LIMIT = '32kb';

/** A photo sent with the form: its declared type and bytes (checked by the tip API's rules). */
interface FormPhoto {
  contentType: string;
  data: Buffer;
}

/**
 * multipart/form-data bodies: the text fields into `req.body` (as the form-encoded parser does), the one
 * `photo` file into `res.locals.photo`; other files are drained unread. Bounded: 20 fields of at most
 * 32 kB, one file of at most MAX_PHOTO_BYTES + 1 bytes (so that "too large" can be told from "just fits").
 * An empty file part (the field left empty) is no photo.
 */
const multipartForm: RequestHandler = (req, res, next) => {
  if (!req.is('multipart/form-data')) return next();
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      limits: { fields: 20, fieldSize: 32 * 1024, files: 1, fileSize: MAX_PHOTO_BYTES + 1, parts: 21 },
    });
  } catch {
    return next(new AppError('VALIDATION_FAILED', 'The form is malformed (multipart boundary).'));
  }
  const fields: Record<string, string> = {};
  let photo: FormPhoto | undefined;
  let failed = false;
  parser.on('field', (name, value) => {
    fields[name] = value;
  });
  parser.on('file', (name, stream, info) => {
    if (name !== 'photo') return void stream.resume();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const data = Buffer.concat(chunks);
      if (data.length > 0) photo = { contentType: info.mimeType, data };
    });
  });
  parser.on('error', () => {
    failed = true;
    req.unpipe(parser);
    next(new AppError('VALIDATION_FAILED', 'The form is malformed.'));
  });
  parser.on('close', () => {
    if (failed) return;
    req.body = fields;
    res.locals.photo = photo;
    next();
  });
  req.pipe(parser);
};

/** What the form holds: the tip API's fields as typed (strings), before the API's own checks. */
type FormFields = Partial<Record<ReportField, string>>;

/** A refused submission: the fields at fault (known ones), and the problem's code for the summary. */
interface FormProblem {
  fields: ReportField[];
  code: AppError['code'];
}

function context(req: Request, query: Record<string, string> = {}): PageContext {
  return { ...pageContextOf(req, '/report'), query };
}

function sendHtml(res: express.Response, status: number, html: string): void {
  res.status(status).set({ 'Cache-Control': 'no-store', Vary: 'Accept-Language' }).type('html').send(html);
}

/** The known fields of a query or form body, as single strings (a repeated field is dropped). */
function fieldsOf(source: unknown): FormFields {
  const out: FormFields = {};
  if (typeof source !== 'object' || source === null) return out;
  for (const key of REPORT_FIELDS) {
    const value = (source as Record<string, unknown>)[key];
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

/**
 * The tip as the API takes it: blank optional fields are "not given", not invalid. A text `photo` (a
 * form-encoded post cannot carry a file) is no photo.
 */
function tipInput(fields: FormFields): Record<string, string> {
  const input: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key !== 'photo' && value.trim() !== '') input[key] = value;
  }
  return input;
}

/** The fields a validation problem names (`errors[].field` of parseInput), in form order. */
function problemFields(error: AppError): ReportField[] {
  const errors = (error.details?.errors ?? []) as { field?: unknown }[];
  const named = new Set(errors.map((e) => String(e.field ?? '').split('.')[0]));
  // The photo's bytes are checked by the tip service, after the fields: its refusals name no field.
  if (error.code === 'INVALID_PHOTO' || error.code === 'PHOTO_TOO_LARGE') named.add('photo');
  return REPORT_FIELDS.filter((f) => named.has(f));
}

function fieldError(id: string, message: string | undefined): string {
  return message ? `<p class="field-error" id="${id}-error">${escapeHtml(message)}</p>` : '';
}

/** `aria-describedby` and `aria-invalid` for a field with a hint and perhaps an error. */
function describedBy(id: string, hint: boolean, error: string | undefined): string {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return `${ids ? ` aria-describedby="${ids}"` : ''}${error ? ' aria-invalid="true"' : ''}`;
}

function textField(
  id: ReportField,
  label: string,
  hint: string,
  value: string | undefined,
  error: string | undefined,
  attrs: string,
  optional: string,
): string {
  return `<label for="${id}">${escapeHtml(label)}${optional ? `<span class="muted">${escapeHtml(optional)}</span>` : ''}</label>
<p class="hint" id="${id}-hint">${escapeHtml(hint)}</p>
${fieldError(id, error)}<input id="${id}" name="${id}" type="text" ${attrs} value="${escapeHtml(value ?? '')}"${describedBy(id, true, error)}>`;
}

/** The form, with the values given and the problems of a refused submission. */
export function renderReportForm(
  ctx: PageContext,
  data: { values: FormFields; certificate?: PublicCertificate | null; problem?: FormProblem },
): string {
  const m = messagesFor(ctx.lang);
  const r = reportTextsFor(ctx.lang);
  const { values, certificate, problem } = data;
  const errorOf = (f: ReportField) => (problem?.fields.includes(f) ? r.fieldError[f] : undefined);
  const anchor = (f: ReportField) => (f === 'category' ? `category-${TIP_CATEGORIES[0]}` : f);
  const summary = problem
    ? `<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
<h2 id="error-summary-title">${escapeHtml(r.errorSummary)}</h2>
<ul>${
        problem.fields.length > 0
          ? problem.fields
              .map((f) => `<li><a href="#${anchor(f)}">${escapeHtml(r.fieldError[f])}</a></li>`)
              .join('')
          : `<li data-code="${escapeHtml(problem.code)}">${escapeHtml(errorText(problem.code, ctx.lang))}</li>`
      }</ul>
</div>`
    : '';
  const categoryError = errorOf('category');
  // Indexed by the API's categories: a category without text here does not compile.
  const categories = TIP_CATEGORIES.map(
    (c) => `<div class="choice">
<input type="radio" id="category-${c}" name="category" value="${c}" required${values.category === c ? ' checked' : ''} aria-describedby="category-${c}-hint">
<label for="category-${c}">${escapeHtml(r.category[c])}</label>
<p class="hint" id="category-${c}-hint">${escapeHtml(r.categoryHint[c])}</p>
</div>`,
  ).join('\n');
  // Opened from a result page: the certificate is named, and its public id travels hidden.
  const about =
    values.publicId !== undefined
      ? `<p class="note">${escapeHtml(certificate ? r.aboutCertificate(certificate.number, certificate.holder.name) : r.aboutUnknownId)}</p>
<input type="hidden" name="publicId" value="${escapeHtml(values.publicId)}">
${fieldError('publicId', errorOf('publicId'))}`
      : '';
  const descriptionError = errorOf('description');
  return layout(ctx, {
    title: r.title,
    main: `<h1>${escapeHtml(r.title)}</h1>
<p class="lead">${escapeHtml(r.lead)}</p>
${summary}
<form method="post" action="${escapeHtml(href(ctx, '/report'))}" class="form report-form" accept-charset="utf-8" enctype="multipart/form-data" novalidate>
${about}
<fieldset${categoryError ? ' aria-invalid="true"' : ''}${categoryError ? ' aria-describedby="category-error"' : ''}>
<legend>${escapeHtml(r.categoryLegend)}</legend>
${fieldError('category', categoryError)}
${categories}
</fieldset>
<fieldset>
<legend>${escapeHtml(r.certificateLegend)}<span class="muted">${escapeHtml(m.optional)}</span></legend>
<p class="hint">${escapeHtml(r.certificateHint)}</p>
<label for="certificateNumber">${escapeHtml(m.numberLabel)}</label>
${fieldError('certificateNumber', errorOf('certificateNumber'))}<input id="certificateNumber" name="certificateNumber" type="text" maxlength="64" autocomplete="off" autocapitalize="characters" spellcheck="false" value="${escapeHtml(values.certificateNumber ?? '')}"${describedBy('certificateNumber', false, errorOf('certificateNumber'))}>
<label for="bodyCode">${escapeHtml(m.bodyCodeLabel)}</label>
${fieldError('bodyCode', errorOf('bodyCode'))}<input id="bodyCode" name="bodyCode" type="text" maxlength="32" autocomplete="off" autocapitalize="characters" spellcheck="false" value="${escapeHtml(values.bodyCode ?? '')}"${describedBy('bodyCode', false, errorOf('bodyCode'))}>
</fieldset>
<label for="description">${escapeHtml(r.descriptionLabel)}</label>
<p class="hint" id="description-hint">${escapeHtml(r.descriptionHint)}</p>
${fieldError('description', descriptionError)}<textarea id="description" name="description" rows="6" maxlength="2000" required${describedBy('description', true, descriptionError)}>${escapeHtml(values.description ?? '')}</textarea>
${textField('place', r.placeLabel, r.placeHint, values.place, errorOf('place'), 'maxlength="200" autocomplete="off"', m.optional)}
${textField('contact', r.contactLabel, r.contactHint, values.contact, errorOf('contact'), 'maxlength="200" autocomplete="off"', m.optional)}
<label for="photo">${escapeHtml(r.photoLabel)}<span class="muted">${escapeHtml(m.optional)}</span></label>
<p class="hint" id="photo-hint">${escapeHtml(r.photoHint)}</p>
${fieldError('photo', errorOf('photo'))}<input id="photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp"${describedBy('photo', true, errorOf('photo'))}>
<button type="submit">${escapeHtml(r.submit)}</button>
</form>`,
    // The page script makes a phone photo fit the limit before it is sent; without it, the form works as is.
    script: true,
  });
}

/** The answer to an accepted report: its reference, to quote when asking about it. */
export function renderReportSent(
  ctx: PageContext,
  sent: { reference: string; receivedAt: string },
  publicId: string | undefined,
): string {
  const r = reportTextsFor(ctx.lang);
  const s = tipStatusTextsFor(ctx.lang);
  const back = publicId
    ? `<p><a href="${escapeHtml(href(ctx, `/v/${encodeURIComponent(publicId)}`))}">${escapeHtml(r.backToResult)}</a></p>`
    : `<p><a href="${escapeHtml(href(ctx, '/'))}">${escapeHtml(messagesFor(ctx.lang).backHome)}</a></p>`;
  return layout(ctx, {
    title: r.sentTitle,
    main: `<section class="panel report-sent" aria-labelledby="sent-title">
<h1 id="sent-title">${escapeHtml(r.sentTitle)}</h1>
<p>${escapeHtml(r.sentReference + messagesFor(ctx.lang).colon)}<strong class="code reference" id="reference">${escapeHtml(sent.reference)}</strong></p>
<p>${escapeHtml(r.sentLead)}</p>
<p><a class="status-link" href="${escapeHtml(href(ctx, '/report/status', { reference: sent.reference }))}">${escapeHtml(s.statusLink)}</a></p>
<p class="muted">${escapeHtml(s.keepPrivate)}</p>
${back}
</section>`,
    script: true,
  });
}

/** Errors that are not about a field (too large, rate limited, failures): the site's error page. */
function pageErrors(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let error: AppError;
    if (isAppError(err)) {
      error = err;
    } else {
      const { status, type } = (err ?? {}) as { status?: unknown; type?: unknown };
      if (type === 'entity.too.large') {
        error = new AppError('PAYLOAD_TOO_LARGE', 'The report is too large.');
      } else if (typeof status === 'number' && status >= 400 && status < 500) {
        error = new AppError('VALIDATION_FAILED', 'The request is malformed.');
      } else {
        logger.error({ err, method: req.method, route: req.route?.path }, 'unhandled page error');
        error = new AppError('INTERNAL_ERROR', 'Something went wrong on our side; please try again.');
      }
    }
    if (res.headersSent) return void res.end();
    sendHtml(
      res,
      error.status,
      renderErrorPage(context(req), {
        status: error.status,
        code: error.code,
        retryAfterSeconds: retryAfterOf(res),
      }),
    );
  };
}

export interface ReportPageOptions {
  logger: Logger;
  /** The public rate limit of the pages (the form itself). */
  rateLimit?: RequestHandler;
  /** The stricter limit of submissions (app.ts gives it the tip API's rate, with counters of its own). */
  submitLimit?: RequestHandler;
}

const pass: RequestHandler = (_req, _res, next) => next();

export function reportPageRoutes(
  services: { tips: Pick<TipService, 'submit'>; certificates: Pick<CertificateService, 'getByPublicId'> },
  options: ReportPageOptions,
): Router {
  const router = Router();
  const onError = pageErrors(options.logger);

  /** The certificate a public id names; null when it is not in the registry, undefined when none given. */
  async function certificateOf(publicId: string | undefined): Promise<PublicCertificate | null | undefined> {
    if (publicId === undefined || !publicIdSchema.safeParse(publicId).success) return undefined;
    try {
      return await services.certificates.getByPublicId(publicId);
    } catch (error) {
      if (isAppError(error) && error.code === 'CERTIFICATE_NOT_FOUND') return null;
      throw error;
    }
  }

  const showForm: RequestHandler = async (req, res) => {
    const { publicId, certificateNumber, bodyCode } = fieldsOf(req.query);
    // Links use the lookup page's names (`number`, `body`) as well as the API's.
    const number = typeof req.query.number === 'string' ? req.query.number : certificateNumber;
    const body = typeof req.query.body === 'string' ? req.query.body : bodyCode;
    const category = TIP_CATEGORIES.find((c) => c === req.query.category);
    const certificate = await certificateOf(publicId);
    const values: FormFields = {
      // A malformed id from a hand-edited link is dropped: the reporter can still name the number.
      publicId: certificate === undefined ? undefined : publicId,
      certificateNumber: number ?? certificate?.number,
      bodyCode: body ?? certificate?.body?.code,
      category,
    };
    const keep = Object.fromEntries(
      Object.entries({ publicId: values.publicId, number, body, category }).filter(
        (e): e is [string, string] => e[1] !== undefined,
      ),
    );
    sendHtml(res, 200, renderReportForm(context(req, keep), { values, certificate }));
  };
  router.get('/report', options.rateLimit ?? pass, showForm, onError);

  const submit: RequestHandler = async (req, res) => {
    const ctx = context(req);
    const values = fieldsOf(req.body);
    const photo = res.locals.photo as FormPhoto | undefined;
    try {
      const input = parseInput(submitTipSchema, {
        ...tipInput(values),
        ...(photo
          ? { photo: { contentType: photo.contentType, base64: photo.data.toString('base64') } }
          : {}),
      });
      const sent = await services.tips.submit(input, { clientAddress: req.ip });
      sendHtml(res, 201, renderReportSent(ctx, sent, values.publicId));
    } catch (error) {
      const onTheForm =
        isAppError(error) &&
        (error.status === 400 || error.status === 422 || error.code === 'PHOTO_TOO_LARGE');
      if (!onTheForm) throw error;
      const certificate = await certificateOf(values.publicId);
      const problem = { fields: problemFields(error), code: error.code };
      sendHtml(res, error.status, renderReportForm(ctx, { values, certificate, problem }));
    }
  };
  router.post(
    '/report',
    options.submitLimit ?? pass,
    express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 20 }),
    multipartForm,
    submit,
    onError,
  );

  return router;
}
