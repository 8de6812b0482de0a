/**
 * The inspector console (client/public/inspect.js, loaded by `/inspect` only). Sign-in keeps the bearer
 * token in sessionStorage; views are chosen by the URL fragment (`#queue`, `#tip/…`, `#case/…`), so the
 * browser's back button and links work and no id ever reaches the server in a page URL.
 */
import { el, replaceChildren } from '../dom';
import { pageLang } from '../page-lang';
import { api, session, whenUnauthenticated } from './api';
import { caseView, casesView, forgetDirectory, newCaseView } from './case-views';
import { inspectorsView } from './directory';
import { flagView, signalView, tipView } from './item-views';
import { queueState, queueView } from './queue-view';
import { INSPECT_TEXTS } from './texts';
import { actionForm, errorBox, field, input, valueOf, view, type ViewContext } from './ui';

const lang = pageLang();
const t = INSPECT_TEXTS[lang];
const ID = /^[A-Za-z0-9_-]{22}$/;

/** The view for a fragment; unknown fragments show the queue. */
function viewFor(ctx: ViewContext, hash: string): Promise<HTMLElement> | HTMLElement {
  const [name = '', id = ''] = hash.replace(/^#/, '').split('/');
  const withId = ID.test(id);
  if (name === 'tip' && withId) return tipView(ctx, id);
  if (name === 'signal' && withId) return signalView(ctx, id);
  if (name === 'case' && withId) return caseView(ctx, id);
  if (name === 'cases') return casesView(ctx);
  if (name === 'new-case') return newCaseView(ctx);
  if (name === 'inspectors') return inspectorsView(ctx);
  if (name === 'flag') return flagView(ctx, withId ? id : '');
  return queueView(ctx);
}

/** The language switch keeps the console's fragment (the token stays in this tab's session). */
function keepFragmentOnLanguageSwitch(): void {
  const link = document.querySelector<HTMLAnchorElement>('a.lang-switch');
  const base = link?.getAttribute('href')?.split('#')[0];
  if (link && base) link.setAttribute('href', `${base}${location.hash}`);
}

function mount(root: HTMLElement): void {
  const status = el('p', { class: 'console-status', role: 'status', id: 'console-status' });
  const main = el('div', { class: 'console-view' });
  let generation = 0;
  let signedIn = false;

  const announce = (message: string) => {
    // Emptied first, so that the same message twice is announced twice.
    status.textContent = '';
    window.setTimeout(() => {
      status.textContent = message;
    }, 50);
  };

  const ctx: ViewContext = {
    lang,
    t,
    go: (hash) => {
      if (location.hash === hash) void render();
      else location.hash = hash;
    },
    announce,
    refresh: (message) => {
      void render().then(() => message && announce(message));
    },
  };

  async function render(): Promise<void> {
    const mine = ++generation;
    keepFragmentOnLanguageSwitch();
    // What the status line said was about the view being left.
    status.textContent = '';
    main.setAttribute('aria-busy', 'true');
    replaceChildren(main, el('p', { class: 'muted' }, t.loading));
    let shown: HTMLElement;
    try {
      shown = await viewFor(ctx, location.hash);
    } catch (error) {
      shown = view(t.cannotShow, errorBox(error, ctx));
    }
    if (mine !== generation || !session.token()) return;
    replaceChildren(main, shown);
    main.setAttribute('aria-busy', 'false');
    main.querySelector<HTMLElement>('.view-heading')?.focus();
  }

  function signOut(message: string): void {
    signedIn = false;
    session.signOut();
    forgetDirectory();
    queueState.selected.clear();
    showSignIn(message);
  }

  function showConsole(): void {
    const out = el('button', { type: 'button', class: 'button-secondary', id: 'sign-out' }, t.signOut);
    out.addEventListener('click', () => signOut(t.signedOut));
    const link = (hash: string, text: string) => el('a', { href: hash }, text);
    const nav = el(
      'nav',
      { class: 'console-nav', 'aria-label': t.navLabel },
      link('#queue', t.nav.queue),
      link('#cases', t.nav.cases),
      link('#flag', t.nav.flag),
      link('#inspectors', t.nav.inspectors),
      out,
    );
    signedIn = true;
    replaceChildren(root, nav, status, main);
    void render();
  }

  function showSignIn(message?: string): void {
    const token = input('token', {
      type: 'password',
      required: true,
      autocomplete: 'off',
      spellcheck: 'false',
    });
    const form = actionForm(
      ctx,
      { label: t.signInHeading, submitLabel: t.signIn },
      [field(token, t.tokenLabel, t.tokenHint)],
      async (f) => {
        session.signIn(valueOf(f, 'token'));
        try {
          // Reading the directory proves the token is an inspector's (or an admin's).
          await api.inspectors();
        } catch (error) {
          session.signOut();
          throw error;
        }
        showConsole();
      },
    );
    replaceChildren(root, view(t.signInHeading, message ? el('p', { role: 'status' }, message) : null, form));
    token.focus();
  }

  // A token refused while working (expired, revoked) ends the session; at sign-in the form says why.
  whenUnauthenticated(() => {
    if (signedIn) signOut(t.tokenRefused);
  });
  window.addEventListener('hashchange', () => {
    if (session.token()) void render();
  });
  if (session.token()) showConsole();
  else showSignIn();
}

const root = document.querySelector<HTMLElement>('[data-slot="inspect-console"]');
if (root) mount(root);
