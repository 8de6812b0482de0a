/** The open-data page (/open-data, zh/en, server-rendered, no script): datasets, files, checksums, licence. */
import { Router, type RequestHandler } from 'express';
import { escapeHtml } from '../platform/html';
import { layout, pageContextOf, type PageContext } from '../platform/page-frame';
import { CATALOG_PATH } from './opendata-catalog';
import { OPEN_DATA_LICENCE, type Manifest } from './opendata-schema';
import type { OpenDataService } from './opendata-service';
import { OPEN_DATA_TEXTS } from './opendata-texts';

const CHINA_OFFSET_MS = 8 * 3_600_000;

function chinaTime(iso: string): string {
  return new Date(Date.parse(iso) + CHINA_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function renderOpenDataPage(ctx: PageContext, manifest: Manifest | undefined): string {
  const t = OPEN_DATA_TEXTS[ctx.lang];
  const number = (n: number) => n.toLocaleString(ctx.lang === 'zh' ? 'zh-CN' : 'en-GB');
  const datasets = manifest
    ? manifest.datasets
        .map(
          (d) => `<section class="card-section" id="${d.name}" aria-labelledby="ds-${d.name}">
<h2 id="ds-${d.name}">${escapeHtml(t.datasetTitle[d.name])}</h2>
<p>${escapeHtml(t.datasetDescription[d.name])} ${escapeHtml(t.rows(number(d.rows)))}</p>
<div class="table-scroll"><table>
<thead><tr><th scope="col">${escapeHtml(t.fileHeading)}</th><th scope="col">${escapeHtml(t.sizeHeading)}</th><th scope="col">${escapeHtml(t.checksumHeading)}</th></tr></thead>
<tbody>
${d.files
  .map(
    (f) =>
      `<tr><td><a href="/open-data/${escapeHtml(f.file)}" download>${escapeHtml(f.file)}</a></td><td>${size(f.bytes)}</td><td class="code">${f.sha256}</td></tr>`,
  )
  .join('\n')}
</tbody></table></div>
</section>`,
        )
        .join('\n')
    : `<p class="note">${escapeHtml(t.notYet)}</p>`;
  const checkpoint = manifest?.checkpoint
    ? `<section class="card-section" aria-labelledby="ds-checkpoint">
<h2 id="ds-checkpoint">${escapeHtml(t.checkpointHeading)}</h2>
<p>${escapeHtml(t.checkpointText(number(manifest.checkpoint.size)))}</p>
<p><a href="/open-data/${escapeHtml(manifest.checkpoint.file)}">${escapeHtml(manifest.checkpoint.file)}</a> <span class="code">${manifest.checkpoint.sha256}</span></p>
</section>`
    : '';
  const main = `<h1>${escapeHtml(t.title)}</h1>
<p class="lead">${escapeHtml(t.lead)}</p>
${manifest ? `<p>${escapeHtml(t.generatedAt(chinaTime(manifest.generatedAt)))}</p>` : ''}
<p>${escapeHtml(t.schedule)}</p>
<p>${escapeHtml(t.licence)}${ctx.lang === 'zh' ? '：' : ': '}<a href="${OPEN_DATA_LICENCE.url}" rel="license">${OPEN_DATA_LICENCE.name}</a> · <a href="${CATALOG_PATH}">${escapeHtml(t.catalogue)}</a> · <a href="/open-data/manifest.json">${escapeHtml(t.manifest)}</a></p>
${datasets}
${checkpoint}
<p class="muted">${escapeHtml(t.howToCheck)}</p>`;
  return layout(ctx, { title: t.title, main, indexable: true, script: false });
}

export function openDataPageRoutes(
  services: { openData: OpenDataService },
  options: { rateLimit?: RequestHandler },
): Router {
  const router = Router();
  const limit: RequestHandler = options.rateLimit ?? ((_req, _res, next) => next());
  router.get('/open-data', limit, (req, res) => {
    const ctx = pageContextOf(req, '/open-data');
    res
      .set({ 'Cache-Control': 'public, max-age=300', Vary: 'Accept-Language' })
      .type('html')
      .send(renderOpenDataPage(ctx, services.openData.current()));
  });
  return router;
}
