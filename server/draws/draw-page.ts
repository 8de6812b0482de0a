/**
 * `/draws` and `/draws/:id`: the published results of "double random, one public" inspections as
 * server-rendered pages (zh/en, readable without JavaScript, every value escaped). Only executed draws
 * are shown; a plan not yet drawn, like an unknown id, is a 404. The pages show what GET /api/v1/draws/:id
 * already publishes (targets, inspectors' names and units, outcomes, seed and hashes) and nothing more.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { renderErrorPage } from '../certificates/verification-page';
import { messagesFor } from '../certificates/certificate-texts';
import { findScheme } from '../schemes/schemes';
import { chinaMinute } from '../platform/china-time';
import { AppError } from '../platform/errors';
import { escapeHtml } from '../platform/html';
import { parseInput } from '../platform/http';
import type { Logger } from '../platform/logger';
import { htmlPageErrors } from '../platform/page-errors';
import { href, layout, pageContextOf, type PageContext } from '../platform/page-frame';
import type { DrawService } from './draw-service';
import {
  drawListQuerySchema,
  drawParamsSchema,
  type DrawResult,
  type DrawView,
  type PublicDraw,
} from './draw-schema';
import { DRAW_PAGE_TEXTS, type DrawPageTexts } from './draw-texts';

const textsOf = (ctx: PageContext): DrawPageTexts => DRAW_PAGE_TEXTS[ctx.lang];

function fact(label: string, value: string, attrs = ''): string {
  return `<dt>${escapeHtml(label)}</dt><dd${attrs}>${escapeHtml(value)}</dd>`;
}

const notFound = (id: string) => new AppError('DRAW_NOT_FOUND', `No executed draw has the id ${id}.`);

/** The list page: executed draws, newest first, paged. */
export function renderDrawListPage(
  ctx: PageContext,
  list: { items: PublicDraw[]; total: number; page: number; pageSize: number },
): string {
  const t = textsOf(ctx);
  const m = messagesFor(ctx.lang);
  const { items, total, page, pageSize } = list;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const size = pageSize === 20 ? undefined : pageSize;
  const item = (d: PublicDraw) => {
    const targets = d.execution?.targets.length ?? 0;
    return `<li class="result card-section">
<a class="result-name" href="${escapeHtml(href(ctx, `/draws/${d.id}`))}">${escapeHtml(d.title)}</a>
<dl class="facts">
${fact(t.executedOn, d.execution ? chinaMinute(d.execution.executedAt) : '')}
${fact(t.scopeTitle, `${t.populationKind[d.population.filter.kind === 'bodies' ? 'bodies' : 'holders']} · ${t.populationSize}${m.colon}${d.population.size}`)}
${fact(t.targetsTitle, t.targetsCount(targets))}
</dl>
</li>`;
  };
  const pageLink = (p: number, label: string, rel: string) =>
    `<a href="${escapeHtml(href(ctx, '/draws', { page: p > 1 ? p : undefined, pageSize: size }))}" rel="${rel}">${escapeHtml(label)}</a>`;
  const nav: string[] = [];
  if (page > 1) nav.push(pageLink(Math.min(page - 1, pages), m.previousPage, 'prev'));
  if (total > 0) nav.push(`<span>${escapeHtml(m.pageOf(Math.min(page, pages), pages))}</span>`);
  if (page < pages) nav.push(pageLink(page + 1, m.nextPage, 'next'));
  const body =
    items.length > 0
      ? `<ol class="results" start="${(page - 1) * pageSize + 1}">${items.map(item).join('\n')}</ol>`
      : total > 0
        ? `<p>${escapeHtml(m.searchPastEnd)}</p><p>${pageLink(1, m.firstPage, 'first')}</p>`
        : `<p>${escapeHtml(t.none)}</p>`;
  return layout(ctx, {
    title: t.listTitle,
    indexable: true,
    main: `<h1>${escapeHtml(t.listTitle)}</h1>
<p class="lead">${escapeHtml(t.listLead)}</p>
<p id="list-total">${escapeHtml(t.total(total))}</p>
${body}
${nav.length > 0 ? `<nav class="pager" aria-label="${escapeHtml(m.pageOf(page, pages))}">${nav.join(' ')}</nav>` : ''}`,
  });
}

const stringList = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;

/** The population filter as a person reads it: one fact per narrowing, "any" where it does not narrow. */
function scopeFacts(ctx: PageContext, draw: DrawView): string {
  const t = textsOf(ctx);
  const m = messagesFor(ctx.lang);
  const { filter } = draw.population;
  const kind = filter.kind === 'bodies' ? 'bodies' : 'holders';
  const listed = (values: string[] | undefined, name: (v: string) => string = (v) => v) =>
    values && values.length > 0 ? values.map(name).join(ctx.lang === 'zh' ? '、' : ', ') : t.anyValue;
  const schemeName = (code: string) => findScheme(code)?.[ctx.lang] ?? code;
  const statusName = (s: string) => (m.status as Record<string, { badge: string }>)[s]?.badge ?? s;
  const approvalName = (s: string) => (m.approval as Record<string, string>)[s] ?? s;
  const rows = [fact(t.scopeTitle, t.populationKind[kind])];
  if (kind === 'holders') {
    rows.push(fact(t.schemes, listed(stringList(filter.schemes), schemeName)));
    rows.push(fact(t.bodies, listed(stringList(filter.bodyCodes))));
    rows.push(
      fact(t.division, typeof filter.divisionPrefix === 'string' ? filter.divisionPrefix : t.anyValue),
    );
    rows.push(fact(t.statuses, listed(stringList(filter.statuses), statusName)));
  } else {
    rows.push(fact(t.bodies, listed(stringList(filter.bodyCodes))));
    rows.push(fact(t.approvalStatuses, listed(stringList(filter.approvalStatuses), approvalName)));
  }
  rows.push(fact(t.asOf, draw.population.asOf));
  rows.push(fact(t.populationSize, String(draw.population.size)));
  const tiers = Object.entries(draw.population.tiers)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(
      ([tier, size]) =>
        `<li>${escapeHtml(t.tierLine(tier, size.population, draw.rates[tier] ?? 0, size.sample))}</li>`,
    )
    .join('');
  rows.push(`<dt>${escapeHtml(t.tiersLabel)}</dt><dd><ul class="plain">${tiers}</ul></dd>`);
  rows.push(fact(t.inspectorsPerTarget, String(draw.inspectorsPerTarget)));
  rows.push(fact(t.inspectorPool, String(draw.inspectorPool.size)));
  return `<dl class="facts">${rows.join('\n')}</dl>`;
}

/** The latest result of each target (a later one supersedes), and how many earlier ones were superseded. */
function latestResults(results: readonly DrawResult[]): {
  byTarget: Map<string, DrawResult>;
  superseded: number;
} {
  const byTarget = new Map<string, DrawResult>();
  for (const r of results) byTarget.set(r.targetId, r);
  return { byTarget, superseded: results.length - byTarget.size };
}

function targetsSection(ctx: PageContext, draw: DrawView): string {
  const t = textsOf(ctx);
  const m = messagesFor(ctx.lang);
  const kind = draw.population.filter.kind === 'bodies' ? 'bodies' : 'holders';
  const targets = draw.execution?.targets ?? [];
  const inspectors = new Map(draw.snapshot.inspectors.map((i) => [i.id, i]));
  const { byTarget, superseded } = latestResults(draw.results);
  const target = (tg: (typeof targets)[number], index: number) => {
    const names = tg.inspectorIds
      .map((id) => {
        const i = inspectors.get(id);
        return `<li>${escapeHtml(i ? `${i.name}${m.aside(i.unit)}` : id)}</li>`;
      })
      .join('');
    const result = byTarget.get(tg.id);
    const outcome = result
      ? `${fact(t.outcomeLabel, t.outcome[result.outcome], ` class="outcome outcome-${result.outcome}"`)}
${fact(t.inspectedOn, result.inspectedOn)}
${fact(t.findings, result.summary, ' class="pre-line"')}`
      : fact(t.outcomeLabel, t.outcomePending, ' class="outcome outcome-pending"');
    return `<li class="result card-section" id="t-${index + 1}">
<span class="result-name">${escapeHtml(tg.name)}</span>
<dl class="facts">
${fact(t.targetId[kind], tg.id, ' class="code"')}
${fact(t.tier, tg.tier)}
<dt>${escapeHtml(t.inspectors)}</dt><dd><ul class="plain">${names}</ul></dd>
${outcome}
</dl>
</li>`;
  };
  return `<section aria-labelledby="targets-title">
<h2 id="targets-title">${escapeHtml(t.targetsTitle)}</h2>
<p>${escapeHtml(t.targetsCount(targets.length))} · ${escapeHtml(t.resultsCount(byTarget.size, targets.length))}</p>
${targets.length > 0 ? `<ol class="results">${targets.map(target).join('\n')}</ol>` : `<p>${escapeHtml(t.noTargets)}</p>`}
${superseded > 0 ? `<p class="note">${escapeHtml(t.supersededNote(superseded))}</p>` : ''}
</section>`;
}

function verifySection(ctx: PageContext, draw: DrawView, baseUrl: string): string {
  const t = textsOf(ctx);
  const execution = draw.execution;
  const command = `npm run verify-draw -- ${draw.id} --url ${baseUrl}`;
  const jsonPath = `/api/v1/draws/${draw.id}`;
  return `<section class="panel" aria-labelledby="verify-title">
<h2 id="verify-title">${escapeHtml(t.verifyTitle)}</h2>
<p>${escapeHtml(t.verifyLead)}</p>
<dl class="facts">
${fact(t.algorithm, draw.algorithm, ' class="code"')}
${fact(t.commitment, draw.commitment, ' class="code hash"')}
${execution ? fact(t.seed, execution.seed, ' class="code hash"') : ''}
${draw.externalEntropySource ? fact(t.entropySource, draw.externalEntropySource) : ''}
${execution?.externalEntropy ? fact(t.entropyValue, execution.externalEntropy, ' class="code"') : ''}
${fact(t.planHash, draw.planHash, ' class="code hash"')}
${fact(t.populationHash, draw.population.hash, ' class="code hash"')}
${fact(t.poolHash, draw.inspectorPool.hash, ' class="code hash"')}
</dl>
<p>${escapeHtml(t.verifyCommand)}</p>
<pre class="command"><code>${escapeHtml(command)}</code></pre>
<p>${escapeHtml(t.verifyHow)}</p>
<p><a href="${escapeHtml(jsonPath)}" type="application/json">${escapeHtml(t.jsonLink)}</a></p>
</section>`;
}

/** One executed draw: when, its scope, the targets with their inspectors and outcomes, how to re-check it. */
export function renderDrawPage(ctx: PageContext, draw: DrawView, baseUrl: string): string {
  const t = textsOf(ctx);
  const m = messagesFor(ctx.lang);
  return layout(ctx, {
    title: draw.title,
    indexable: true,
    main: `<p><a href="${escapeHtml(href(ctx, '/draws'))}">${escapeHtml(t.backToList)}</a></p>
<h1>${escapeHtml(draw.title)}</h1>
${draw.description ? `<p class="lead pre-line">${escapeHtml(draw.description)}</p>` : ''}
<dl class="facts">
${fact(t.executedOn, draw.execution ? chinaMinute(draw.execution.executedAt) + m.aside(ctx.lang === 'zh' ? '北京时间' : 'China time') : '')}
${fact(t.publishedOn, chinaMinute(draw.createdAt))}
</dl>
<section aria-labelledby="scope-title">
<h2 id="scope-title">${escapeHtml(t.scopeTitle)}</h2>
${scopeFacts(ctx, draw)}
</section>
${targetsSection(ctx, draw)}
${verifySection(ctx, draw, baseUrl)}`,
  });
}

/** Executed draws change only when a result is published: a minute's staleness is fine for everyone. */
const PUBLIC_CACHE = { 'Cache-Control': 'public, max-age=60', Vary: 'Accept-Language' };

export function drawPageRoutes(
  services: { draws: Pick<DrawService, 'get' | 'listExecuted'> },
  options: { logger: Logger; rateLimit?: RequestHandler; publicBaseUrl: string },
): Router {
  const router = Router();
  const limit: RequestHandler = options.rateLimit ?? ((_req, _res, next) => next());
  const baseUrl = options.publicBaseUrl.replace(/\/+$/, '');
  const errors = htmlPageErrors(options.logger, (req: Request, error) =>
    renderErrorPage(pageContextOf(req, '/draws'), error),
  );

  router.get(
    '/draws',
    limit,
    (async (req, res) => {
      const ctx = pageContextOf(req, '/draws', ['page', 'pageSize']);
      const { lang: _lang, ...query } = req.query;
      const { page, pageSize } = parseInput(drawListQuerySchema, query, 'INVALID_QUERY');
      const list = await services.draws.listExecuted(page, pageSize);
      res
        .set(PUBLIC_CACHE)
        .type('html')
        .send(renderDrawListPage(ctx, { ...list, page, pageSize }));
    }) as RequestHandler,
    errors,
  );

  router.get(
    '/draws/:id',
    limit,
    (async (req, res) => {
      const { id } = parseInput(drawParamsSchema, req.params);
      const { lang: _lang, ...query } = req.query;
      parseInput(z.strictObject({}), query, 'INVALID_QUERY');
      const draw = await services.draws.get(id).catch((error: unknown) => {
        throw error instanceof AppError && error.code === 'DRAW_NOT_FOUND' ? notFound(id) : error;
      });
      // A plan not drawn yet has no public result page (its plan is in the API); it reads as unknown.
      if (draw.state !== 'executed' || !draw.execution) throw notFound(id);
      const ctx = pageContextOf(req, `/draws/${id}`);
      res
        .set(PUBLIC_CACHE)
        .type('html')
        .send(renderDrawPage(ctx, draw, baseUrl));
    }) as RequestHandler,
    errors,
  );

  return router;
}
