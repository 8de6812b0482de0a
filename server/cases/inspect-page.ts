/**
 * `/inspect`: the shell of the inspector console. The console is a tool for staff and needs JavaScript
 * (client/src/inspect → /assets/inspect.js): the server renders the frame, the language and a <noscript>
 * message; the script signs in with a bearer token kept in sessionStorage and works through the API.
 * The page itself holds no data, so it needs no token and is the same for everyone.
 */
import { Router, type RequestHandler } from 'express';
import { layout, pageContextOf, type PageContext } from '../platform/page-frame';
import { escapeHtml } from '../platform/html';
import type { Lang } from '../platform/i18n';

interface ShellTexts {
  title: string;
  noscript: string;
  loading: string;
}

const SHELL_TEXT: Record<Lang, ShellTexts> = {
  zh: {
    title: '检查人员工作台',
    noscript: '检查人员工作台需要启用 JavaScript。公众查验页面无需 JavaScript。',
    loading: '正在加载工作台…',
  },
  en: {
    title: 'Inspector console',
    noscript: 'The inspector console needs JavaScript. The public verification pages work without it.',
    loading: 'Loading the console…',
  },
};

export function renderInspectPage(ctx: PageContext): string {
  const s = SHELL_TEXT[ctx.lang];
  return layout(ctx, {
    title: s.title,
    script: 'inspect.js',
    main: `<h1>${escapeHtml(s.title)}</h1>
<noscript><p class="warning">${escapeHtml(s.noscript)}</p></noscript>
<div id="console" class="console" data-slot="inspect-console"><p class="muted">${escapeHtml(s.loading)}</p></div>`,
  });
}

export function inspectPageRoutes(options: { rateLimit?: RequestHandler } = {}): Router {
  const router = Router();
  const limit: RequestHandler = options.rateLimit ?? ((_req, _res, next) => next());
  router.get('/inspect', limit, (req, res) => {
    const ctx = pageContextOf(req, '/inspect');
    res
      .status(200)
      .set({ 'Cache-Control': 'no-store', Vary: 'Accept-Language' })
      .type('html')
      .send(renderInspectPage(ctx));
  });
  return router;
}
