/**
 * Charts as inline SVG strings, drawn on the server: no script, no inline style (colours are classes of
 * site.css, sizes are SVG attributes), every text escaped. Drawn for a phone: a 360-unit-wide view box
 * the page scales to its width. Each chart is an image with a title and a one-line description; the page
 * puts its numbers beside it as a table.
 */
import { escapeHtml } from './html';

const WIDTH = 360;
/** Series colours: classes `chart-c0` ... `chart-c5` of site.css (distinct in hue and lightness). */
export const SERIES_COLOURS = 6;

export interface ChartText {
  /** Unique in the page: the ids of the title and description derive from it. */
  id: string;
  title: string;
  /** What the chart shows, in one sentence with its key numbers (read by screen readers). */
  description: string;
}

/** The smallest of 1, 2, 5 × 10^k at least `max / 4`, times 4: an axis top with round ticks. */
export function niceAxis(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 4, step: 1 };
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((f) => f * power).find((s) => s >= rough) ?? 10 * power;
  const wholeStep = Math.max(1, Math.round(step));
  return { top: wholeStep * Math.ceil(max / wholeStep), step: wholeStep };
}

/** Thousands grouped the way both languages read them (1,234,567). */
export const grouped = (n: number): string => n.toLocaleString('en-US');

function open(text: ChartText, height: number): string {
  return `<svg class="chart-svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-labelledby="${text.id}-t ${text.id}-d" focusable="false">
<title id="${text.id}-t">${escapeHtml(text.title)}</title>
<desc id="${text.id}-d">${escapeHtml(text.description)}</desc>`;
}

/**
 * Horizontal bars, one per row, label above its bar and the value at its end: long labels (scheme names)
 * stay readable on a phone.
 */
export function barChart(
  text: ChartText,
  rows: readonly { label: string; value: number; colour?: number }[],
): string {
  const rowHeight = 40;
  const height = Math.max(1, rows.length) * rowHeight + 4;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const barSpace = WIDTH - 70;
  const bars = rows.map((r, i) => {
    const y = i * rowHeight;
    const width = r.value > 0 ? Math.max(2, (r.value / max) * barSpace) : 0;
    return `<text class="chart-label" x="0" y="${y + 14}">${escapeHtml(r.label)}</text>
<rect class="chart-c${(r.colour ?? 0) % SERIES_COLOURS}" x="0" y="${y + 19}" width="${width.toFixed(1)}" height="16" rx="2"></rect>
<text class="chart-value" x="${(width + 6).toFixed(1)}" y="${y + 32}">${escapeHtml(grouped(r.value))}</text>`;
  });
  return `${open(text, height)}
${bars.join('\n')}
</svg>`;
}

/**
 * Stacked columns over time (months, days): one column per step, one stacked part per series, a y axis
 * with round ticks, and every `labelEvery`-th x label counted back from the last (the latest step is
 * always labelled).
 */
export function columnChart(
  text: ChartText,
  columns: readonly { label: string; values: readonly number[] }[],
  options: { labelEvery?: number } = {},
): string {
  const height = 200;
  const left = 40;
  const top = 8;
  const bottom = 172;
  const plotHeight = bottom - top;
  const every = options.labelEvery ?? 1;
  const totals = columns.map((c) => c.values.reduce((a, b) => a + b, 0));
  const { top: axisTop, step } = niceAxis(Math.max(0, ...totals));
  const slot = (WIDTH - left - 4) / Math.max(1, columns.length);
  const barWidth = Math.max(2, slot * 0.7);
  const yOf = (v: number) => bottom - (v / axisTop) * plotHeight;
  const grid: string[] = [];
  for (let v = 0; v <= axisTop; v += step) {
    const y = yOf(v).toFixed(1);
    grid.push(`<line class="chart-grid" x1="${left}" x2="${WIDTH}" y1="${y}" y2="${y}"></line>
<text class="chart-axis" x="${left - 4}" y="${(yOf(v) + 4).toFixed(1)}" text-anchor="end">${escapeHtml(grouped(v))}</text>`);
  }
  const bars = columns.map((c, i) => {
    const x = left + i * slot + (slot - barWidth) / 2;
    let base = 0;
    const parts = c.values.map((v, s) => {
      if (v <= 0) return '';
      const y0 = yOf(base);
      base += v;
      const y1 = yOf(base);
      return `<rect class="chart-c${s % SERIES_COLOURS}" x="${x.toFixed(1)}" y="${y1.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${Math.max(0.5, y0 - y1).toFixed(1)}"></rect>`;
    });
    const label =
      (columns.length - 1 - i) % every === 0
        ? `<text class="chart-axis" x="${(x + barWidth / 2).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${escapeHtml(c.label)}</text>`
        : '';
    return parts.join('') + label;
  });
  return `${open(text, height)}
${grid.join('\n')}
${bars.join('\n')}
<line class="chart-baseline" x1="${left}" x2="${WIDTH}" y1="${bottom}" y2="${bottom}"></line>
</svg>`;
}

/** The series' names with their colours, as a list (the swatches are decorative). */
export function chartLegend(labels: readonly string[]): string {
  const items = labels.map(
    (label, s) =>
      `<li><svg class="chart-swatch" viewBox="0 0 12 12" width="12" height="12" aria-hidden="true" focusable="false"><rect class="chart-c${s % SERIES_COLOURS}" width="12" height="12" rx="2"></rect></svg>${escapeHtml(label)}</li>`,
  );
  return `<ul class="chart-legend">${items.join('')}</ul>`;
}

/** A chart's numbers as a table: a header row, then one row per item (first cell its row header). */
export function numbersTable(
  caption: string,
  head: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const cell = (v: string | number) => escapeHtml(typeof v === 'number' ? grouped(v) : v);
  return `<table class="compare chart-table">
<caption>${escapeHtml(caption)}</caption>
<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows.map(([first, ...rest]) => `<tr><th scope="row">${cell(first ?? '')}</th>${rest.map((v) => `<td>${cell(v)}</td>`).join('')}</tr>`).join('\n')}
</tbody>
</table>`;
}
