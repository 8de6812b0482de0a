/**
 * The frame of every server-rendered page (public pages, the report form, the console's shell): the
 * request's page context, same-site links that carry the chosen language, and the HTML around a page's
 * main content. No inline scripts or styles (the CSP allows neither); every value escaped.
 */
import type { Request, Response } from 'express';
import { escapeHtml } from './html';
import { asLang, COMMON_TEXTS, pickLang, type Lang } from './i18n';

/** Who runs the portal, as every page's footer says (OPERATOR_* settings). */
export interface SiteIdentity {
  operator: Record<Lang, string>;
  hotline: string;
  /** The website filing line (ICP备案号 and the like), shown as given. */
  filing?: string;
}

/** The site identity createApp put in `app.locals` (absent in apps built without one). */
export function siteOf(req: Request): SiteIdentity | undefined {
  return req.app.locals.site as SiteIdentity | undefined;
}

/** What every page needs to know about the request it answers. */
export interface PageContext {
  /** Who runs the portal (the footer). */
  site?: SiteIdentity;
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

/**
 * The context of a page answering `req` at `path`: the language (an explicit `lang` wins, then
 * Accept-Language), the query parameters `keep` names (plain strings only), the site identity, now.
 */
export function pageContextOf(req: Request, path: string, keep: readonly string[] = []): PageContext {
  const query: Record<string, string> = {};
  for (const key of keep) {
    const value = req.query[key];
    if (typeof value === 'string') query[key] = value;
  }
  return {
    lang: pickLang(req.query.lang, req.get('accept-language')),
    explicitLang: asLang(req.query.lang),
    path,
    query,
    now: Date.now(),
    site: siteOf(req),
  };
}

/** The seconds a rate-limited answer asks the client to wait (its Retry-After), for the page to say. */
export function retryAfterOf(res: Response): number | undefined {
  const seconds = Number(res.getHeader('Retry-After'));
  return Number.isInteger(seconds) && seconds > 0 ? seconds : undefined;
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

function operatorLines(ctx: PageContext): string {
  const { site } = ctx;
  if (!site) return '';
  const m = COMMON_TEXTS[ctx.lang];
  const hotline = `<a href="tel:${escapeHtml(site.hotline)}">${escapeHtml(site.hotline)}</a>`;
  return `\n<p class="operator">${escapeHtml(m.operatedBy(site.operator[ctx.lang]))} · ${escapeHtml(m.hotlineLabel + m.colon)}${hotline}</p>${
    site.filing ? `\n<p class="filing">${escapeHtml(site.filing)}</p>` : ''
  }`;
}

/** The public pages every page links to, in its footer (the current one marked, not linked). */
function siteNav(ctx: PageContext): string {
  const n = COMMON_TEXTS[ctx.lang].siteNav;
  const links: [string, string][] = [
    ['/', n.home],
    ['/dishonesty', n.dishonesty],
    ['/draws', n.draws],
    ['/stats', n.stats],
  ];
  const items = links.map(([path, label]) =>
    path === ctx.path
      ? `<li><a href="${escapeHtml(href(ctx, path))}" aria-current="page">${escapeHtml(label)}</a></li>`
      : `<li><a href="${escapeHtml(href(ctx, path))}">${escapeHtml(label)}</a></li>`,
  );
  return `<nav class="site-nav" aria-label="${escapeHtml(n.label)}"><ul>${items.join('')}</ul></nav>`;
}

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
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
${page.script ? pageScript(page.script === true ? 'app.js' : page.script) : ''}</head>
<body>
<a class="skip" href="#main">${escapeHtml(m.skipToContent)}</a>
<header class="site-header"><a class="site-name" href="${escapeHtml(href(ctx, '/'))}">${escapeHtml(m.siteName)}</a>${languageSwitch(ctx)}</header>
<main id="main">
${page.main}
</main>
<footer class="site-footer">${siteNav(ctx)}<p>${escapeHtml(m.footer)}</p>${operatorLines(ctx)}</footer>
</body>
</html>
`;
}
