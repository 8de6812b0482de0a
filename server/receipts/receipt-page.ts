/**
 * The printable receipt page and its routes. `GET /v/:publicId/receipt` issues a receipt and redirects
 * to `GET /receipts?r={compact}`, the page that verifies it on the server and renders it: so the page's
 * own address is the receipt, its QR code carries that address, and a reload shows the same receipt.
 * Server-rendered, complete without JavaScript; receipt.js adds the browser's own (offline) check.
 */
import { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import QRCode from 'qrcode';
import { publicIdSchema } from '../certificates/certificate-schema';
import { messagesFor } from '../certificates/certificate-texts';
import { renderErrorPage } from '../certificates/verification-page';
import { AppError, isAppError } from '../platform/errors';
import { escapeHtml } from '../platform/html';
import { asLang, pickLang } from '../platform/i18n';
import type { Logger } from '../platform/logger';
import { href, layout, type PageContext } from '../platform/page-frame';
import { findScheme } from '../schemes/schemes';
import { entryProofSchema, type EntryProof } from '../audit/witness-schema';
import {
  compactIn,
  logProofParam,
  MAX_RECEIPT_TEXT,
  parseLogProofParam,
  RECEIPT_JWKS_PATH,
  RECEIPT_PAGE_PATH,
} from './receipt-codec';
import type { Receipt, ReceiptVerdict } from './receipt-schema';
import type { ReceiptLogCheck, ReceiptService } from './receipt-service';
import { receiptTextsFor } from './receipt-texts';

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** What the page shows: the form alone, a verdict on a receipt, or a text that is no receipt. */
export type ReceiptPageState =
  | { kind: 'form' }
  | { kind: 'malformed'; text: string }
  | {
      kind: 'verdict';
      verdict: ReceiptVerdict;
      compact: string;
      receipt?: Receipt;
      kid: string;
      /** The log proof the page's address carried (`p=`), and the server's check of it. */
      log?: { proof?: EntryProof; check: ReceiptLogCheck | { verdict: 'MALFORMED' } };
    };

function chinaTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

function fact(label: string, value: string, attrs = ''): string {
  return `<dt>${escapeHtml(label)}</dt><dd${attrs}>${escapeHtml(value)}</dd>`;
}

/** The QR code of the page's address as an SVG image; undefined when the receipt is too long for one. */
async function qrImage(url: string): Promise<string | undefined> {
  for (const level of ['M', 'L'] as const) {
    try {
      const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: level, margin: 4 });
      return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    } catch {
      // Too long at this level: try the next, lower one.
    }
  }
  return undefined;
}

function verdictBanner(ctx: PageContext, verdict: ReceiptVerdict | 'MALFORMED'): string {
  const r = receiptTextsFor(ctx.lang);
  const [title, detail, kind] =
    verdict === 'VALID'
      ? [r.verdictValid, r.verdictValidDetail, 'valid']
      : verdict === 'UNKNOWN_KEY'
        ? [r.verdictUnknownKey, r.verdictUnknownKeyDetail, 'invalid']
        : verdict === 'REMOVED_KEY'
          ? [r.verdictRemovedKey, r.verdictRemovedKeyDetail, 'invalid']
          : verdict === 'SIGNATURE_INVALID'
            ? [r.verdictInvalid, r.verdictInvalidDetail, 'invalid']
            : [r.verdictMalformed, r.verdictMalformedDetail, 'invalid'];
  return `<section class="receipt-verdict receipt-verdict-${kind}" data-receipt-verdict="${verdict}" aria-labelledby="receipt-verdict-title">
<h2 id="receipt-verdict-title">${escapeHtml(title)}</h2>
<p>${escapeHtml(detail)}</p>
</section>`;
}

function receiptBody(ctx: PageContext, receipt: Receipt): string {
  const m = messagesFor(ctx.lang);
  const r = receiptTextsFor(ctx.lang);
  const c = receipt.certificate;
  const { status, registry } = receipt;
  const scheme = findScheme(c.scheme);
  const statusFacts =
    fact(r.statusAtCheck, m.status[status.code].title, ` class="badge-text status-${status.code}"`) +
    (status.date ? fact(m.statusSince(status.code), status.date) : '') +
    (status.code !== 'valid' && status.code !== 'expired'
      ? fact(m.statusReason, status.reason || m.reasonNotGiven)
      : '');
  const body = registry.body;
  const registryFacts = [
    fact(
      r.recordUpdatedAt,
      `${chinaTime(registry.recordUpdatedAt)}${m.aside(ctx.lang === 'zh' ? '北京时间' : 'China time')}`,
    ),
    body
      ? fact(
          m.approvalStatus,
          m.approval[body.approvalStatus] + (body.approvalStatusDate ? m.aside(body.approvalStatusDate) : ''),
        ) +
        fact(r.bodyLastReported, body.lastReportedAt ? chinaTime(body.lastReportedAt) : r.bodyNeverReported)
      : fact(m.bodyHeading, r.bodyNotInRegistry),
    fact(
      r.listings,
      registry.listings.length === 0
        ? r.noListings
        : registry.listings
            .map((l) => r.listingLine(l.subject, m.dishonesty.severity[l.severity], l.startDate))
            .join(ctx.lang === 'zh' ? '；' : '; '),
    ),
  ].join('\n');
  const current = href(ctx, `/v/${encodeURIComponent(c.publicId)}`);
  return `<section class="card-section receipt-record" aria-labelledby="receipt-record-title">
<h2 id="receipt-record-title">${escapeHtml(r.recordHeading)}</h2>
<dl class="facts">
${fact(r.checkedAt, r.checkedAtValue(chinaTime(receipt.checkedAt), receipt.checkedAt))}
${fact(r.receiptNumber, receipt.id, ' class="code"')}
</dl>
</section>
<section class="card-section receipt-status receipt-status-${status.code}" aria-labelledby="receipt-status-title">
<h2 id="receipt-status-title">${escapeHtml(r.statusHeading)}</h2>
<dl class="facts">${statusFacts}</dl>
</section>
<section class="card-section receipt-certificate" aria-labelledby="receipt-cert-title">
<h2 id="receipt-cert-title">${escapeHtml(r.certificateHeading)}</h2>
<dl class="facts">
${fact(m.certificateNumber, c.number, ' class="code receipt-number"')}
${fact(m.holderName, c.holderName, ' class="holder-name"')}
${fact(m.creditCode, c.holderCreditCode, ' class="code"')}
${fact(m.scheme, scheme ? `${scheme[ctx.lang]}${m.aside(c.scheme)}` : c.scheme)}
${fact(m.scope, c.scope)}
${fact(m.bodyHeading, c.bodyName ? `${c.bodyName}${m.aside(c.bodyCode)}` : c.bodyCode)}
${fact(m.issueDate, c.issueDate)}
${fact(m.expiryDate, c.expiryDate)}
</dl>
${receipt.truncated ? `<p class="note">${escapeHtml(r.truncatedNote)}</p>` : ''}
</section>
<section class="card-section receipt-registry" aria-labelledby="receipt-registry-title">
<h2 id="receipt-registry-title">${escapeHtml(r.registryHeading)}</h2>
<dl class="facts">
${registryFacts}
</dl>
<p class="muted">${escapeHtml(r.currentStatusNote)} <a href="${escapeHtml(current)}">${escapeHtml(r.currentStatusLink)}</a></p>
</section>`;
}

function proofSection(ctx: PageContext, state: { kid: string; compact: string; receipt: Receipt }): string {
  const r = receiptTextsFor(ctx.lang);
  const signature = state.compact.split('.')[3] ?? '';
  return `<section class="card-section receipt-proof" aria-labelledby="receipt-proof-title">
<h2 id="receipt-proof-title">${escapeHtml(r.proofHeading)}</h2>
<dl class="facts">
${fact(r.issuer, state.receipt.issuer)}
${fact(r.keyId, state.kid, ' class="code"')}
${fact(r.signature, signature, ' class="code receipt-signature"')}
</dl>
<p class="muted">${escapeHtml(r.proofHelp)} <a href="${escapeHtml(RECEIPT_JWKS_PATH)}">${escapeHtml(r.keysLink)}</a></p>
</section>`;
}

/** The audit-log proof of the receipt's status entry: the server's verdict, and a slot for the browser's. */
function logSection(
  ctx: PageContext,
  receipt: Receipt,
  log: NonNullable<Extract<ReceiptPageState, { kind: 'verdict' }>['log']> | undefined,
): string {
  const r = receiptTextsFor(ctx.lang);
  const entry = receipt.registry.statusEntry;
  let body: string;
  if (!entry) body = `<p class="muted">${escapeHtml(r.logNoEntry)}</p>`;
  else if (!log) body = `<p class="muted">${escapeHtml(r.logNotGiven(entry.seq))}</p>`;
  else {
    const { verdict } = log.check;
    const ok = verdict === 'PROVEN';
    const facts = log.proof
      ? fact(
          r.logEntry,
          r.logEntryValue(log.proof.entry.seq, log.proof.entry.action, chinaTime(log.proof.entry.at)),
        ) +
        fact(r.logCheckpoint, r.logCheckpointValue(log.proof.size)) +
        fact(r.logLeafHash, log.proof.leafHash, ' class="code"')
      : '';
    body = `<p class="${ok ? 'signature-ok' : 'signature-bad'}" data-log-verdict="${verdict}">${ok ? '✓' : '✗'} ${escapeHtml(r.logVerdict[verdict])}</p>
<dl class="facts">${facts}</dl>
<div data-slot="log-check" aria-live="polite"></div>`;
  }
  return `<section class="card-section receipt-log${log?.proof ? '' : ' receipt-log-none'}" aria-labelledby="receipt-log-title">
<h2 id="receipt-log-title">${escapeHtml(r.logHeading)}</h2>
${body}
<p class="muted">${escapeHtml(r.logHelp)} <a href="/api/v1/audit/checkpoint">${escapeHtml(r.logCheckpointLink)}</a> · <a href="/api/v1/audit/log-key">${escapeHtml(r.logKeyLink)}</a></p>
</section>`;
}

function verifyForm(ctx: PageContext, value = ''): string {
  const r = receiptTextsFor(ctx.lang);
  return `<section class="panel receipt-form" aria-labelledby="receipt-form-title">
<h2 id="receipt-form-title">${escapeHtml(r.formHeading)}</h2>
<form method="get" action="${RECEIPT_PAGE_PATH}" class="form" data-slot="receipt-form">
<label for="receipt-text">${escapeHtml(r.formLabel)}</label>
<textarea id="receipt-text" name="r" rows="3" required maxlength="${MAX_RECEIPT_TEXT}" spellcheck="false" autocomplete="off">${escapeHtml(value)}</textarea>
${ctx.explicitLang ? `<input type="hidden" name="lang" value="${ctx.explicitLang}">` : ''}
<p class="hint">${escapeHtml(r.formHint)}</p>
<button type="submit">${escapeHtml(r.formButton)}</button>
</form>
</section>`;
}

/** The receipt page in every state. `pageUrl`: this page's absolute address (what its QR code carries). */
export async function renderReceiptPage(
  ctx: PageContext,
  state: ReceiptPageState,
  pageUrl?: string,
): Promise<string> {
  const r = receiptTextsFor(ctx.lang);
  const check = `<section class="receipt-check" data-slot="receipt-check" aria-live="polite"></section>`;
  let main: string;
  if (state.kind === 'form') {
    main = `<h1>${escapeHtml(r.verifyTitle)}</h1>\n<p class="lead">${escapeHtml(r.lead)}</p>\n${check}\n${verifyForm(ctx)}`;
  } else if (state.kind === 'malformed') {
    main = `<h1>${escapeHtml(r.verifyTitle)}</h1>\n${verdictBanner(ctx, 'MALFORMED')}\n${check}\n${verifyForm(ctx, state.text)}`;
  } else if (state.verdict !== 'VALID' || !state.receipt) {
    main = `<h1>${escapeHtml(r.verifyTitle)}</h1>\n${verdictBanner(ctx, state.verdict)}\n${check}\n${verifyForm(ctx, state.compact)}`;
  } else {
    const qr = pageUrl ? await qrImage(pageUrl) : undefined;
    const qrBlock = qr
      ? `<figure class="receipt-qr"><img src="${qr}" alt="${escapeHtml(r.qrCaption)}" width="240" height="240"><figcaption>${escapeHtml(r.qrCaption)}</figcaption></figure>`
      : `<p class="note">${escapeHtml(r.qrTooLong)}</p>`;
    main = `<article class="receipt" data-receipt-id="${escapeHtml(state.receipt.id)}">
<h1>${escapeHtml(r.title)}</h1>
<p class="lead">${escapeHtml(r.lead)}</p>
${verdictBanner(ctx, 'VALID')}
${check}
${receiptBody(ctx, state.receipt)}
<section class="card-section receipt-qr-section" aria-labelledby="receipt-qr-title">
<h2 id="receipt-qr-title">${escapeHtml(r.qrHeading)}</h2>
${qrBlock}
</section>
${proofSection(ctx, { kid: state.kid, compact: state.compact, receipt: state.receipt })}
${logSection(ctx, state.receipt, state.log)}
</article>
${verifyForm(ctx)}`;
  }
  return layout(ctx, {
    title: state.kind === 'verdict' && state.receipt ? r.title : r.verifyTitle,
    main,
    script: 'receipt.js',
  });
}

function pageContext(req: Request, path: string, query: Record<string, string> = {}): PageContext {
  return {
    lang: pickLang(req.query.lang, req.get('accept-language')),
    explicitLang: asLang(req.query.lang),
    path,
    query,
    now: Date.now(),
  };
}

function sendPage(res: Response, status: number, html: string): void {
  res.status(status).set({ 'Cache-Control': 'no-store', Vary: 'Accept-Language' }).type('html').send(html);
}

function pageErrors(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let error: AppError;
    if (isAppError(err)) error = err;
    else if (err instanceof URIError)
      error = new AppError('MALFORMED_URL', 'The URL is not validly percent-encoded.');
    else {
      logger.error({ err, method: req.method, route: req.route?.path }, 'unhandled page error');
      error = new AppError('INTERNAL_ERROR', 'Something went wrong on our side; please try again.');
    }
    if (res.headersSent) return void res.end();
    sendPage(
      res,
      error.status,
      renderErrorPage(pageContext(req, req.path), { status: error.status, code: error.code }),
    );
  };
}

/** The receipt pages: issue (redirect to the receipt), and show/verify a receipt. */
export function receiptPageRoutes(
  services: { receipts: ReceiptService },
  options: { logger: Logger; rateLimit?: RequestHandler; publicBaseUrl: string },
): Router {
  const { receipts } = services;
  const router = Router();
  const limit: RequestHandler = options.rateLimit ?? ((_req, _res, next) => next());
  const onError = pageErrors(options.logger);
  const base = options.publicBaseUrl.replace(/\/+$/, '');

  router.get(
    '/v/:publicId/receipt',
    limit,
    (async (req, res) => {
      const { publicId } = req.params;
      if (!publicIdSchema.safeParse(publicId).success) {
        throw new AppError('INVALID_PUBLIC_ID', 'A public id is 22 letters, digits, - or _.');
      }
      const issued = await receipts.issue(publicId);
      const lang = asLang(req.query.lang);
      // Relative: the page is on this host whatever PUBLIC_BASE_URL says (the QR code carries the full one).
      res
        .status(303)
        .set('Cache-Control', 'no-store')
        .location(
          `${RECEIPT_PAGE_PATH}?r=${issued.compact}${issued.log ? `&p=${logProofParam(issued.log)}` : ''}${lang ? `&lang=${lang}` : ''}`,
        )
        .end();
    }) as RequestHandler<{ publicId: string }>,
    onError,
  );

  router.get(
    RECEIPT_PAGE_PATH,
    limit,
    (async (req, res) => {
      const raw = req.query.r;
      if (raw === undefined || raw === '') {
        return sendPage(
          res,
          200,
          await renderReceiptPage(pageContext(req, RECEIPT_PAGE_PATH), { kind: 'form' }),
        );
      }
      const text = typeof raw === 'string' ? raw.slice(0, MAX_RECEIPT_TEXT) : '';
      const ctx = pageContext(req, RECEIPT_PAGE_PATH, text ? { r: text } : {});
      let verification;
      try {
        if (typeof raw !== 'string') throw new AppError('RECEIPT_MALFORMED', 'r: given more than once.');
        verification = receipts.verify({ compact: raw });
      } catch (error) {
        if (isAppError(error) && error.code === 'RECEIPT_MALFORMED') {
          return sendPage(res, 400, await renderReceiptPage(ctx, { kind: 'malformed', text }));
        }
        throw error;
      }
      const compact = compactIn(text) ?? '';
      const { log: _log, ...verified } = verification;
      const state: Extract<ReceiptPageState, { kind: 'verdict' }> = { kind: 'verdict', ...verified, compact };
      if (typeof req.query.p === 'string' && verification.receipt) {
        const parsed = entryProofSchema.safeParse(parseLogProofParam(req.query.p.slice(0, MAX_RECEIPT_TEXT)));
        state.log = parsed.success
          ? { proof: parsed.data, check: receipts.checkLog(verification.receipt, parsed.data) }
          : { check: { verdict: 'MALFORMED' } };
      }
      sendPage(res, 200, await renderReceiptPage(ctx, state, `${base}${RECEIPT_PAGE_PATH}?r=${compact}`));
    }) as RequestHandler,
    onError,
  );

  return router;
}
