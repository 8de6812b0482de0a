/**
 * The frame of every server-rendered page (public pages, the report form, the console's shell): the
 * request's page context, same-site links that carry the chosen language, and the HTML around a page's
 * main content. No inline scripts or styles (the CSP allows neither); every value escaped.
 */
import { escapeHtml } from './html';
import { COMMON_TEXTS, type Lang } from './i18n';

/** What every page needs to know about the request it answers. */
export interface PageContext {
  lang: Lang;
  /** The language the query named: carried by every link and form so that a choice sticks. */
  explicitLang?: Lang;
  /** This page's path, built from the route (never the raw request path). */
  path: string;
  /** This page's query parameters other than `lang`, kept by the language switch. */
  query: Record<string, string>;
  /** Now, in ms since the epoch (report ages). */
  now: number;
}

export const OTHER_LANG: Record<Lang, Lang> = { zh: 'en', en: 'zh' };

/** A same-site URL with the page language carried along when it was chosen explicitly. */
export function href(
  ctx: PageContext,
  path: string,
  params: Record<string, string | number | undefined> = {},
) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  if (ctx.explicitLang) search.set('lang', ctx.explicitLang);
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}

function languageSwitch(ctx: PageContext): string {
  const other = OTHER_LANG[ctx.lang];
  const params = new URLSearchParams(ctx.query);
  params.set('lang', other);
  const m = COMMON_TEXTS[other];
  return `<a class="lang-switch" href="${escapeHtml(`${ctx.path}?${params.toString()}`)}" hreflang="${other}" lang="${m.htmlLang}">${escapeHtml(m.languageName)}</a>`;
}

/** A page script (client/src, bundled): app.js is the scanner and signature check of the public pages. */
const pageScript = (file: string) => `<script src="/assets/${file}" defer></script>\n`;

/** The frame every page shares: head, site header with the language switch, main, footer. */
export function layout(
  ctx: PageContext,
  /** `script`: true for the public pages' app.js, or another bundle's file name (the console's). */
  page: { title: string; main: string; indexable?: boolean; script?: boolean | string },
): string {
  const m = COMMON_TEXTS[ctx.lang];
  const title = page.title === m.siteName ? m.siteName : `${page.title} · ${m.siteName}`;
  return `<!doctype html>
<html lang="${m.htmlLang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
${page.indexable ? '' : '<meta name="robots" content="noindex">\n'}<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/assets/site.css">
${page.script ? pageScript(page.script === true ? 'app.js' : page.script) : ''}</head>
<body>
<a class="skip" href="#main">${escapeHtml(m.skipToContent)}</a>
<header class="site-header"><a class="site-name" href="${escapeHtml(href(ctx, '/'))}">${escapeHtml(m.siteName)}</a>${languageSwitch(ctx)}</header>
<main id="main">
${page.main}
</main>
<footer class="site-footer"><p>${escapeHtml(m.footer)}</p></footer>
</body>
</html>
`;
}
