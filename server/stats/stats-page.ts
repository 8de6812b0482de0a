/**
 * `/stats`: the registry and supervision at a glance, for a phone. Charts are inline SVG drawn on the
 * server (platform/svg-chart.ts), each with its numbers in a table under a <details>; no script, zh/en.
 * The figures come from the stats service, computed at most every few minutes; the public may cache the
 * page for as long.
 */
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { STATUSES } from '../certificates/certificate-schema';
import { messagesFor } from '../certificates/certificate-texts';
import { renderErrorPage } from '../certificates/verification-page';
import { CASE_STATES } from '../cases/case-schema';
import { SUBJECT_KINDS } from '../dishonesty/dishonesty-schema';
import { chinaMinute } from '../platform/china-time';
import { escapeHtml } from '../platform/html';
import { parseInput } from '../platform/http';
import type { Logger } from '../platform/logger';
import { htmlPageErrors } from '../platform/page-errors';
import { layout, pageContextOf, type PageContext } from '../platform/page-frame';
import { barChart, chartLegend, columnChart, numbersTable, type ChartText } from '../platform/svg-chart';
import { findScheme } from '../schemes/schemes';
import { TIP_STATES } from '../tips/tip-schema';
import type { PublicStats } from './stats-schema';
import type { StatsService } from './stats-service';
import { STATS_TEXTS } from './stats-texts';

/** Schemes shown as bars of their own; the rest are summed in one bar (the table lists every one). */
const TOP_SCHEMES = 8;

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** One chart: heading, the SVG, an optional legend, and its numbers as a table in a <details>. */
function figure(ctx: PageContext, chart: ChartText, svg: string, table: string, legend = ''): string {
  return `<figure class="chart" aria-labelledby="${chart.id}-h">
<h3 id="${chart.id}-h">${escapeHtml(chart.title)}</h3>
<p class="chart-summary">${escapeHtml(chart.description)}</p>
${svg}
${legend}
<details class="chart-numbers"><summary>${escapeHtml(STATS_TEXTS[ctx.lang].showNumbers)}</summary>${table}</details>
</figure>`;
}

function certificateSection(ctx: PageContext, stats: PublicStats): string {
  const t = STATS_TEXTS[ctx.lang];
  const m = messagesFor(ctx.lang);
  const c = stats.certificates;
  const statusName = (s: (typeof STATUSES)[number]) => m.status[s].badge;
  // The status bars in the order of the five statuses, each in the colour of its series elsewhere.
  const statusChart: ChartText = {
    id: 'chart-status',
    title: t.byStatusTitle,
    description: t.byStatusDesc(c.total, c.byStatus.valid),
  };
  const statusRows = STATUSES.map((s, i) => ({ label: statusName(s), value: c.byStatus[s], colour: i }));
  const byStatus = figure(
    ctx,
    statusChart,
    barChart(statusChart, statusRows),
    numbersTable(
      t.byStatusTitle,
      [t.status, t.count],
      [...statusRows.map((r) => [r.label, r.value]), [t.total, c.total]],
    ),
  );

  const schemeName = (code: string) => findScheme(code)?.[ctx.lang] ?? code;
  const inForce = sum(c.inForceByScheme.map((s) => s.count));
  const shown = c.inForceByScheme.slice(0, TOP_SCHEMES);
  const rest = c.inForceByScheme.slice(TOP_SCHEMES);
  const schemeRows = shown.map((s) => ({ label: schemeName(s.scheme), value: s.count }));
  if (rest.length > 0) {
    schemeRows.push({ label: t.otherSchemes(rest.length), value: sum(rest.map((s) => s.count)) });
  }
  const schemeChart: ChartText = {
    id: 'chart-scheme',
    title: t.bySchemeTitle,
    description: inForce > 0 ? t.bySchemeDesc(c.inForceByScheme.length, inForce) : t.noneInForce,
  };
  const byScheme = figure(
    ctx,
    schemeChart,
    barChart(schemeChart, schemeRows),
    numbersTable(
      t.bySchemeTitle,
      [t.scheme, t.count],
      [...c.inForceByScheme.map((s) => [schemeName(s.scheme), s.count]), [t.total, inForce]],
    ),
  );

  const issuedTotal = sum(c.issuedByMonth.map((r) => sum(Object.values(r.byStatus))));
  const issuedChart: ChartText = {
    id: 'chart-issued',
    title: t.issuedTitle,
    description: t.issuedDesc(issuedTotal, stats.months.length),
  };
  const issued = figure(
    ctx,
    issuedChart,
    columnChart(
      issuedChart,
      c.issuedByMonth.map((r) => ({
        label: t.monthShort(r.month),
        values: STATUSES.map((s) => r.byStatus[s]),
      })),
      { labelEvery: 2 },
    ),
    numbersTable(
      t.issuedTitle,
      [t.month, ...STATUSES.map(statusName), t.total],
      c.issuedByMonth.map((r) => [
        t.monthLong(r.month),
        ...STATUSES.map((s) => r.byStatus[s]),
        sum(Object.values(r.byStatus)),
      ]),
    ),
    chartLegend(STATUSES.map(statusName)),
  );

  return `<section aria-labelledby="certificates-title">
<h2 id="certificates-title">${escapeHtml(t.certificatesTitle)}</h2>
<p class="big-number">${escapeHtml(t.certificatesTotal(c.total))}</p>
${byStatus}
${byScheme}
${issued}
</section>`;
}

/** Per-month stacked columns of states, with legend and table. */
function monthlyFigure<S extends string>(
  ctx: PageContext,
  chart: ChartText,
  states: readonly S[],
  names: Record<S, string>,
  rows: readonly { month: string; byState: Record<S, number> }[],
): string {
  const t = STATS_TEXTS[ctx.lang];
  return figure(
    ctx,
    chart,
    columnChart(
      chart,
      rows.map((r) => ({ label: t.monthShort(r.month), values: states.map((s) => r.byState[s]) })),
      { labelEvery: 2 },
    ),
    numbersTable(
      chart.title,
      [t.month, ...states.map((s) => names[s]), t.total],
      rows.map((r) => [
        t.monthLong(r.month),
        ...states.map((s) => r.byState[s]),
        sum(states.map((s) => r.byState[s])),
      ]),
    ),
    chartLegend(states.map((s) => names[s])),
  );
}

function supervisionSection(ctx: PageContext, stats: PublicStats): string {
  const t = STATS_TEXTS[ctx.lang];
  const tipTotal = sum(stats.tips.map((r) => sum(Object.values(r.byState))));
  const caseTotal = sum(stats.cases.map((r) => sum(Object.values(r.byState))));
  const confirmed = sum(stats.cases.map((r) => r.byState.confirmed));
  return `<section aria-labelledby="supervision-title">
<h2 id="supervision-title">${escapeHtml(t.supervisionTitle)}</h2>
${monthlyFigure(ctx, { id: 'chart-tips', title: t.tipsTitle, description: t.tipsDesc(tipTotal) }, TIP_STATES, t.tipState, stats.tips)}
${monthlyFigure(ctx, { id: 'chart-cases', title: t.casesTitle, description: t.casesDesc(caseTotal, confirmed) }, CASE_STATES, t.caseState, stats.cases)}
</section>`;
}

function recordSection(ctx: PageContext, stats: PublicStats): string {
  const t = STATS_TEXTS[ctx.lang];
  const kindName = messagesFor(ctx.lang).dishonesty.kind;
  const { listedByKind, repaired, byMonth } = stats.records;
  const listed = sum(Object.values(listedByKind));
  const listedChart: ChartText = {
    id: 'chart-listed',
    title: t.listedTitle,
    description: t.listedDesc(listed, repaired),
  };
  const rows = SUBJECT_KINDS.map((k, i) => ({ label: kindName[k], value: listedByKind[k], colour: i }));
  const listedFigure = figure(
    ctx,
    listedChart,
    barChart(listedChart, rows),
    numbersTable(
      t.listedTitle,
      [t.kind, t.count],
      [...rows.map((r) => [r.label, r.value]), [t.total, listed]],
    ),
  );
  const monthTotal = sum(byMonth.map((r) => sum(Object.values(r.byKind))));
  const months = monthlyFigure(
    ctx,
    { id: 'chart-records', title: t.recordsByMonthTitle, description: t.recordsByMonthDesc(monthTotal) },
    SUBJECT_KINDS,
    kindName,
    byMonth.map((r) => ({ month: r.month, byState: r.byKind })),
  );
  return `<section aria-labelledby="records-title">
<h2 id="records-title">${escapeHtml(t.recordsTitle)}</h2>
${listedFigure}
${repaired > 0 ? `<p>${escapeHtml(t.repairedLine(repaired))}</p>` : ''}
${months}
</section>`;
}

function reportingSection(ctx: PageContext, stats: PublicStats): string {
  const t = STATS_TEXTS[ctx.lang];
  const { bodies, late, onTime } = stats.reporting;
  const chart: ChartText = {
    id: 'chart-reporting',
    title: t.onTimeTitle,
    description: t.onTimeDesc(bodies, late),
  };
  const rows = onTime.map((b, i) => ({ label: t.onTimeBucket[b.bucket], value: b.bodies, colour: i }));
  return `<section aria-labelledby="reporting-title">
<h2 id="reporting-title">${escapeHtml(t.reportingTitle)}</h2>
${figure(
  ctx,
  chart,
  barChart(chart, rows),
  numbersTable(
    t.onTimeTitle,
    [t.onTimeColumn, t.bodiesCount],
    [...rows.map((r) => [r.label, r.value]), [t.total, bodies]],
  ),
)}
</section>`;
}

function scanSection(ctx: PageContext, stats: PublicStats): string {
  const t = STATS_TEXTS[ctx.lang];
  const total = sum(stats.scans.map((d) => d.scans));
  const busiest = stats.scans.reduce(
    (a, b) => (b.scans > a.scans ? b : a),
    stats.scans[0] ?? { day: '', scans: 0 },
  );
  const chart: ChartText = {
    id: 'chart-scans',
    title: t.scansTitle,
    description: t.scansDesc(total, busiest.day, busiest.scans),
  };
  return `<section aria-labelledby="scans-title">
<h2 id="scans-title">${escapeHtml(t.scansSection)}</h2>
${figure(
  ctx,
  chart,
  columnChart(
    chart,
    stats.scans.map((d) => ({ label: t.dayShort(d.day), values: [d.scans] })),
    { labelEvery: 7 },
  ),
  numbersTable(
    t.scansTitle,
    [t.day, t.scans],
    [...stats.scans.map((d) => [d.day, d.scans]), [t.total, total]],
  ),
)}
</section>`;
}

export function renderStatsPage(ctx: PageContext, stats: PublicStats, ttlSeconds: number): string {
  const t = STATS_TEXTS[ctx.lang];
  return layout(ctx, {
    title: t.title,
    indexable: true,
    main: `<h1>${escapeHtml(t.title)}</h1>
<p class="lead">${escapeHtml(t.lead)}</p>
<p class="muted">${escapeHtml(t.computedAt(chinaMinute(stats.generatedAt), Math.max(1, Math.round(ttlSeconds / 60))))}</p>
${certificateSection(ctx, stats)}
${supervisionSection(ctx, stats)}
${recordSection(ctx, stats)}
${reportingSection(ctx, stats)}
${scanSection(ctx, stats)}`,
  });
}

export function statsPageRoutes(
  services: { stats: StatsService },
  options: { logger: Logger; rateLimit?: RequestHandler },
): Router {
  const router = Router();
  const limit: RequestHandler = options.rateLimit ?? ((_req, _res, next) => next());
  const errors = htmlPageErrors(options.logger, (req, error) =>
    renderErrorPage(pageContextOf(req, '/stats'), error),
  );
  router.get(
    '/stats',
    limit,
    (async (req, res) => {
      const { lang: _lang, ...query } = req.query;
      parseInput(z.strictObject({}), query, 'INVALID_QUERY');
      const stats = await services.stats.current();
      const ttl = services.stats.ttlSeconds;
      res
        .set({ 'Cache-Control': `public, max-age=${ttl}`, Vary: 'Accept-Language' })
        .type('html')
        .send(renderStatsPage(pageContextOf(req, '/stats'), stats, ttl));
    }) as RequestHandler,
    errors,
  );
  return router;
}
