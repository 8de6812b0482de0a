/**
 * `/bodies/:code`: the public page of a certifying body (向社会公示), server-rendered in the frame of the
 * other public pages (zh/en, readable without JavaScript, every value escaped): approval and its history,
 * approved scope, contact, public commitment, reporting timeliness, certificates by status, dishonesty
 * records and concluded cases with a published outcome. Only what is public: never signals or tips. An
 * unknown (or malformed) code is the same 404 page, so the page enumerates nothing beyond the register.
 */
import { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { approvalHistoryOf } from '../bodies/body-approval';
import type { ReportingService, ReportingTimeliness } from '../bodies/body-reporting';
import type { Body } from '../bodies/body-schema';
import type { BodyService } from '../bodies/body-service';
import type { Commitment } from '../bodies/commitment-schema';
import type { CommitmentService } from '../bodies/commitment-service';
import { toPublicRecord, type PublicRecord } from '../dishonesty/dishonesty-schema';
import type { DishonestyService } from '../dishonesty/dishonesty-service';
import { findScheme } from '../schemes/schemes';
import { AppError, isAppError } from '../platform/errors';
import { escapeHtml } from '../platform/html';
import type { Logger } from '../platform/logger';
import { href, layout, pageContextOf, retryAfterOf, type PageContext } from '../platform/page-frame';
import { storeUnavailable } from '../platform/store-failure';
import { BODY_PAGE_TEXTS } from './body-page-texts';
import { messagesFor } from './certificate-texts';
import type { CertificateService } from './certificate-service';
import { STATUSES, type Status } from './certificate-schema';
import { renderErrorPage } from './verification-page';

/** Everything the page shows of one body. */
export interface BodyProfile {
  body: Body;
  reporting: ReportingTimeliness;
  /** Newest version first. */
  commitments: Commitment[];
  counts: Record<Status, number>;
  records: PublicRecord[];
}

const CODE = /^[A-Z0-9][A-Z0-9-]{1,31}$/;
const CHINA_OFFSET_MS = 8 * 3_600_000;
const chinaDateTime = (iso: string) =>
  new Date(Date.parse(iso) + CHINA_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');

const fact = (label: string, value: string, attrs = '') =>
  `<dt>${escapeHtml(label)}</dt><dd${attrs}>${value}</dd>`;

function section(id: string, heading: string, content: string): string {
  return `<section class="panel profile-section" aria-labelledby="${id}">
<h2 id="${id}">${escapeHtml(heading)}</h2>
${content}
</section>`;
}

/** Prose as paragraphs, line breaks kept (escaped line by line). */
const prose = (text: string) =>
  text
    .split(/\n{2,}/)
    .map((p) => `<p>${p.split('\n').map(escapeHtml).join('<br>')}</p>`)
    .join('\n');

function approvalSection(ctx: PageContext, body: Body): string {
  const m = messagesFor(ctx.lang);
  const t = BODY_PAGE_TEXTS[ctx.lang];
  const history = approvalHistoryOf(body);
  const rows = [...history]
    .reverse()
    .map((c) => `<tr><td>${escapeHtml(c.from)}</td><td>${escapeHtml(m.approval[c.status])}</td></tr>`)
    .join('\n');
  return section(
    'approval-heading',
    t.approvalHeading,
    `<dl class="facts">
${fact(m.approvalNumber, escapeHtml(body.approvalNumber), ' class="code"')}
${fact(m.approvalStatus, escapeHtml(m.approval[body.approvalStatus]))}
${body.approvalStatusDate ? fact(t.approvalSince, escapeHtml(body.approvalStatusDate)) : ''}
</dl>
${
  history.length > 0
    ? `<div class="table-wrap"><table class="data-table">
<caption>${escapeHtml(t.historyCaption)}</caption>
<thead><tr><th scope="col">${escapeHtml(t.historyFrom)}</th><th scope="col">${escapeHtml(t.historyStatus)}</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>`
    : ''
}`,
  );
}

function scopeSection(ctx: PageContext, body: Body): string {
  const t = BODY_PAGE_TEXTS[ctx.lang];
  const schemes = body.approvedSchemes
    .map((code) => {
      const scheme = findScheme(code);
      const name = scheme ? scheme[ctx.lang] : code;
      return `<li>${escapeHtml(name)} <span class="code muted">${escapeHtml(code)}</span></li>`;
    })
    .join('');
  const industry =
    body.approvedIndustryCodes.length > 0
      ? `<ul class="code-list">${body.approvedIndustryCodes.map((c) => `<li class="code">${escapeHtml(c)}</li>`).join('')}</ul>`
      : `<p>${escapeHtml(t.noIndustryCodes)}</p>`;
  return section(
    'scope-heading',
    t.scopeHeading,
    `<h3>${escapeHtml(t.schemes)}</h3>
<ul>${schemes}</ul>
<h3>${escapeHtml(t.industryCodes)}</h3>
${industry}`,
  );
}

function contactSection(ctx: PageContext, body: Body): string {
  const t = BODY_PAGE_TEXTS[ctx.lang];
  if (!body.phone && !body.website)
    return section('contact-heading', t.contactHeading, `<p>${escapeHtml(t.noContact)}</p>`);
  return section(
    'contact-heading',
    t.contactHeading,
    `<dl class="facts">
${body.phone ? fact(t.phone, `<a href="tel:${escapeHtml(body.phone.replace(/[^0-9+]/g, ''))}">${escapeHtml(body.phone)}</a>`) : ''}
${body.website ? fact(t.website, `<a href="${escapeHtml(body.website)}" rel="noopener noreferrer nofollow">${escapeHtml(body.website)}</a>`) : ''}
</dl>`,
  );
}

function commitmentSection(ctx: PageContext, commitments: Commitment[]): string {
  const t = BODY_PAGE_TEXTS[ctx.lang];
  const [current, ...earlier] = commitments;
  if (!current)
    return section('commitment-heading', t.commitmentHeading, `<p>${escapeHtml(t.commitmentNone)}</p>`);
  const older =
    earlier.length > 0
      ? `<details class="earlier">
<summary>${escapeHtml(t.earlierVersions(earlier.length))}</summary>
${earlier
  .map(
    (c) => `<article class="commitment">
<p class="muted">${escapeHtml(t.commitmentDated(c.version, c.dated))}</p>
${prose(c.text)}
</article>`,
  )
  .join('\n')}
</details>`
      : '';
  return section(
    'commitment-heading',
    t.commitmentHeading,
    `<article class="commitment" id="commitment-current">
<p class="muted">${escapeHtml(t.commitmentDated(current.version, current.dated))}</p>
${prose(current.text)}
</article>
${older}`,
  );
}

function reportingSection(ctx: PageContext, r: ReportingTimeliness): string {
  const t = BODY_PAGE_TEXTS[ctx.lang];
  const late = r.late ? `<p class="note" role="note">${escapeHtml(t.lateNotice(r.nextDueDate))}</p>` : '';
  return section(
    'reporting-heading',
    t.reportingHeading,
    `${late}<dl class="facts">
${fact(t.lastReport, escapeHtml(r.lastReportAt ? chinaDateTime(r.lastReportAt) : t.neverReported))}
${fact(t.onTimeLabel, escapeHtml(r.months.length > 0 ? t.onTime(r.onTimeMonths, r.months.length) : t.onTimeNone))}
${fact(t.nextDue, escapeHtml(r.nextDueDate))}
</dl>
<p class="muted">${escapeHtml(t.reportingRule)}</p>`,
  );
}

function certificatesSection(ctx: PageContext, counts: Record<Status, number>): string {
  const m = messagesFor(ctx.lang);
  const t = BODY_PAGE_TEXTS[ctx.lang];
  const total = STATUSES.reduce((sum, s) => sum + counts[s], 0);
  const rows = STATUSES.map(
    (s) => `<tr><th scope="row">${escapeHtml(m.status[s].badge)}</th><td class="num">${counts[s]}</td></tr>`,
  ).join('\n');
  return section(
    'certificates-heading',
    t.certificatesHeading,
    `<div class="table-wrap"><table class="data-table">
<caption>${escapeHtml(t.countsCaption)}</caption>
<thead><tr><th scope="col">${escapeHtml(t.statusColumn)}</th><th scope="col">${escapeHtml(t.countColumn)}</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>
<p>${escapeHtml(t.total(total))}</p>`,
  );
}

function recordsSections(ctx: PageContext, records: PublicRecord[]): string {
  const m = messagesFor(ctx.lang);
  const d = m.dishonesty;
  const t = BODY_PAGE_TEXTS[ctx.lang];
  const items = records
    .map(
      (r) => `<li class="result card-section">
<span class="badge">${escapeHtml(d.severity[r.severity])}</span>
<span class="result-name">${escapeHtml(r.subject.name)}</span>
<span class="result-details">${escapeHtml(d.kind[r.subject.kind])}</span>
<dl class="facts">
${fact(d.startDate, escapeHtml(r.startDate))}
${fact(d.basis, escapeHtml(r.basis))}
${fact(d.facts, escapeHtml(r.facts))}
${r.caseRef ? fact(d.caseRef, escapeHtml(r.caseRef), ' class="code"') : ''}
</dl>
</li>`,
    )
    .join('\n');
  const listLink = `<p><a href="${escapeHtml(href(ctx, '/dishonesty', { kind: 'body' }))}">${escapeHtml(t.listLink)}</a></p>`;
  const concluded = records.filter((r) => r.caseRef);
  return `${section(
    'dishonesty-heading',
    t.dishonestyHeading,
    records.length > 0
      ? `<ol class="results">${items}</ol>\n${listLink}`
      : `<p>${escapeHtml(t.dishonestyNone)}</p>`,
  )}
${section(
  'cases-heading',
  t.casesHeading,
  `<p class="muted">${escapeHtml(t.casesLead)}</p>
${
  concluded.length > 0
    ? `<ul>${concluded.map((r) => `<li>${escapeHtml(t.caseListed(r.caseRef as string, r.startDate))}</li>`).join('')}</ul>`
    : `<p>${escapeHtml(t.casesNone)}</p>`
}`,
)}`;
}

/** The whole page. */
export function renderBodyPage(ctx: PageContext, profile: BodyProfile): string {
  const t = BODY_PAGE_TEXTS[ctx.lang];
  const { body } = profile;
  const name = ctx.lang === 'en' && body.nameEn ? body.nameEn : body.name;
  const otherName = ctx.lang === 'en' && body.nameEn ? `<p lang="zh-CN">${escapeHtml(body.name)}</p>` : '';
  return layout(ctx, {
    title: t.title(name),
    indexable: true,
    main: `<h1>${escapeHtml(name)}</h1>
${otherName}<p class="lead">${escapeHtml(t.lead)}</p>
<dl class="facts"><dt>${escapeHtml(t.code)}</dt><dd class="code">${escapeHtml(body.code)}</dd></dl>
${approvalSection(ctx, body)}
${scopeSection(ctx, body)}
${contactSection(ctx, body)}
${commitmentSection(ctx, profile.commitments)}
${reportingSection(ctx, profile.reporting)}
${certificatesSection(ctx, profile.counts)}
${recordsSections(ctx, profile.records)}`,
  });
}

/** The page's errors as HTML in its language: the 404 of an unknown body, 429, 503. */
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
    res
      .status(error.status)
      .set({ 'Cache-Control': 'no-store', Vary: 'Accept-Language' })
      .type('html')
      .send(
        renderErrorPage(pageContextOf(req, '/bodies'), {
          status: error.status,
          code: error.code,
          retryAfterSeconds: retryAfterOf(res),
        }),
      );
  };
}

export function bodyPageRoutes(
  services: {
    bodies: BodyService;
    reporting: ReportingService;
    commitments: CommitmentService;
    certificates: CertificateService;
    dishonesty: DishonestyService;
  },
  options: { logger: Logger; rateLimit?: RequestHandler },
): Router {
  const router = Router();
  const limit: RequestHandler = options.rateLimit ?? ((_req, _res, next) => next());

  async function profileOf(code: string): Promise<BodyProfile> {
    // A malformed code is answered as an unknown one: the same page, nothing to learn from it.
    const body = CODE.test(code) ? (await services.bodies.list()).find((b) => b.code === code) : undefined;
    if (!body) throw new AppError('BODY_NOT_FOUND', 'No certifying body has this code.');
    const [reporting, commitments, counts, records] = await Promise.all([
      services.reporting.timeliness(body),
      services.commitments.history(code),
      services.certificates.countByStatus(code),
      services.dishonesty.listedConcerning({ creditCodes: [], bodyCodes: [code] }),
    ]);
    return { body, reporting, commitments, counts, records: records.map((r) => toPublicRecord(r)) };
  }

  const page: RequestHandler = async (req: Request, res) => {
    const code = String(req.params.code ?? '');
    const profile = await profileOf(code);
    const ctx = pageContextOf(req, `/bodies/${encodeURIComponent(profile.body.code)}`);
    res
      .status(200)
      .set({ 'Cache-Control': 'public, max-age=60', Vary: 'Accept-Language' })
      .type('html')
      .send(renderBodyPage(ctx, profile));
  };
  router.get('/bodies/:code', limit, page, pageErrors(options.logger));
  return router;
}
