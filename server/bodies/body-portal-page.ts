/**
 * `/body`: the shell of the certifying bodies' portal. Like the inspector console (cases/inspect-page.ts)
 * it is a tool that needs JavaScript (client/src/body → /assets/body.js): the server renders the frame,
 * the language and a <noscript> message; the script signs in with the body's bearer token, kept in
 * sessionStorage, and works through the API (uploads, jobs, certificates, confirmation, commitment).
 * The page holds no data, so it needs no token and is the same for everyone.
 */
import { Router, type RequestHandler } from 'express';
import { escapeHtml } from '../platform/html';
import type { Lang } from '../platform/i18n';
import { layout, pageContextOf, type PageContext } from '../platform/page-frame';

const SHELL_TEXT: Record<Lang, { title: string; noscript: string; loading: string }> = {
  zh: {
    title: '认证机构报送平台',
    noscript: '认证机构报送平台需要启用 JavaScript。也可使用命令行工具或 API 上传证书数据。',
    loading: '正在加载报送平台…',
  },
  en: {
    title: 'Certifying body portal',
    noscript:
      'The body portal needs JavaScript. Certificates can also be uploaded with the command-line tool or the API.',
    loading: 'Loading the portal…',
  },
};

export function renderBodyPortalPage(ctx: PageContext): string {
  const s = SHELL_TEXT[ctx.lang];
  return layout(ctx, {
    title: s.title,
    script: 'body.js',
    main: `<h1>${escapeHtml(s.title)}</h1>
<noscript><p class="warning">${escapeHtml(s.noscript)}</p></noscript>
<div id="portal" class="console" data-slot="body-portal"><p class="muted">${escapeHtml(s.loading)}</p></div>`,
  });
}

export function bodyPortalPageRoutes(options: { rateLimit?: RequestHandler } = {}): Router {
  const router = Router();
  const limit: RequestHandler = options.rateLimit ?? ((_req, _res, next) => next());
  router.get('/body', limit, (req, res) => {
    res
      .status(200)
      .set({ 'Cache-Control': 'no-store', Vary: 'Accept-Language' })
      .type('html')
      .send(renderBodyPortalPage(pageContextOf(req, '/body')));
  });
  return router;
}
