/**
 * The certifying bodies' portal (client/public/body.js, loaded by `/body` only). Sign-in keeps the
 * body's bearer token in sessionStorage; the portal then shows, for the token's body: its reporting (next
 * due date, late notice, "nothing changed"), the upload with progress and the job's result, its jobs
 * with their error reports, its certificates (paged, by status and number), a certificate's status change,
 * and its public commitment.
 */
import { el, replaceChildren } from '../dom';
import { pageLang, withLang } from '../page-lang';
import { api, ApiError, session, whenUnauthenticated } from './api';
import { PORTAL_TEXTS } from './texts';
import { certificateListPanel } from './certificate-list';
import {
  certificatePanel,
  commitmentPanel,
  errorBox,
  jobsPanel,
  reportingPanel,
  uploadPanel,
  type PortalContext,
} from './views';

const lang = pageLang();
const t = PORTAL_TEXTS[lang];

function mount(root: HTMLElement): void {
  const status = el('p', { class: 'console-status', role: 'status', id: 'portal-status' });
  let signedIn = false;

  const announce = (message: string) => {
    // Emptied first, so that the same message twice is announced twice.
    status.textContent = '';
    window.setTimeout(() => {
      status.textContent = message;
    }, 50);
  };

  async function showPortal(): Promise<void> {
    const { items } = await api.bodies();
    const body = items[0];
    if (!body || items.length !== 1) throw new ApiError(403, 'FORBIDDEN', t.notABodyToken);
    const reporting = { load: async () => undefined } as { load(): Promise<void> };
    const jobs = { load: async () => undefined } as { load(page?: number): Promise<void> };
    const list = { load: async () => undefined } as { load(): Promise<void> };
    const ctx: PortalContext = {
      lang,
      t,
      body,
      announce,
      reported: () => {
        void reporting.load();
        void jobs.load();
        void list.load();
      },
    };
    const reportingView = reportingPanel(ctx);
    const jobsView = jobsPanel(ctx);
    reporting.load = reportingView.load;
    jobs.load = jobsView.load;
    const commitment = commitmentPanel(ctx);
    // The list's rows open the status change; a change saved there shows in the list.
    const change = certificatePanel(ctx, () => void list.load());
    const listView = certificateListPanel(ctx, (cert) => change.show(cert, true));
    list.load = listView.load;
    const out = el('button', { type: 'button', class: 'button-secondary', id: 'sign-out' }, t.signOut);
    out.addEventListener('click', () => signOut(t.signedOut));
    const name = lang === 'en' && body.nameEn ? body.nameEn : body.name;
    signedIn = true;
    replaceChildren(
      root,
      el(
        'div',
        { class: 'console-nav' },
        el('p', { class: 'portal-body', id: 'portal-body' }, t.welcome(name, body.code)),
        el('a', { href: withLang(`/bodies/${encodeURIComponent(body.code)}`) }, t.publicPage),
        out,
      ),
      status,
      reportingView.element,
      uploadPanel(ctx),
      jobsView.element,
      listView.element,
      change.element,
      commitment.element,
    );
    await Promise.all([reportingView.load(), jobsView.load(), listView.load(), commitment.load()]);
  }

  function signOut(message: string): void {
    signedIn = false;
    session.signOut();
    showSignIn(message);
  }

  function showSignIn(message?: string): void {
    const token = el('input', {
      id: 'token',
      name: 'token',
      type: 'password',
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-describedby': 'token-hint',
    });
    const errors = el('div', { class: 'form-errors' });
    const button = el('button', { type: 'submit' }, t.signIn);
    const form = el(
      'form',
      { class: 'form console-form', 'aria-labelledby': 'sign-in-heading', novalidate: true },
      el(
        'div',
        { class: 'field' },
        el('label', { for: 'token' }, t.tokenLabel),
        el('p', { class: 'hint', id: 'token-hint' }, t.tokenHint),
        token,
      ),
      errors,
      button,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (button.disabled) return;
      const secret = token.value.trim();
      if (!secret) {
        replaceChildren(errors, errorBox(new Error(t.tokenLabel), { lang, t }));
        return;
      }
      button.disabled = true;
      replaceChildren(errors);
      session.signIn(secret);
      // Listing its uploads proves the token is a body's: others must name a body (400), a bad one is 401.
      api
        .uploads(1, 1)
        .catch((error: unknown) => {
          throw error instanceof ApiError && error.status === 400
            ? new ApiError(403, 'FORBIDDEN', t.notABodyToken)
            : error;
        })
        .then(() => showPortal())
        .catch((error: unknown) => {
          session.signOut();
          signedIn = false;
          const box = errorBox(error, { lang, t });
          box.tabIndex = -1;
          replaceChildren(errors, box);
          box.focus();
        })
        .finally(() => {
          button.disabled = false;
        });
    });
    replaceChildren(
      root,
      el(
        'section',
        { class: 'view', 'aria-labelledby': 'sign-in-heading' },
        el('h2', { id: 'sign-in-heading' }, t.signInHeading),
        message ? el('p', { role: 'status' }, message) : null,
        form,
      ),
    );
    token.focus();
  }

  // A token refused while working (expired, revoked) ends the session; at sign-in the form says why.
  whenUnauthenticated(() => {
    if (signedIn) signOut(t.tokenRefused);
  });
  if (session.token()) {
    showPortal().catch(() => {
      session.signOut();
      showSignIn();
    });
  } else showSignIn();
}

const root = document.querySelector<HTMLElement>('[data-slot="body-portal"]');
if (root) mount(root);
