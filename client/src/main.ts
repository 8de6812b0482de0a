/**
 * The page script (client/public/app.js, loaded with `defer` from 'self'). Progressive enhancement:
 * every page works without it; with it, the home page gets the in-page scanner, the result page
 * checks the signature of the code it was opened from, and the report form makes a phone photo fit.
 */
import { pageLang } from './page-lang';
import { mountCopyReference, mountPhotoFitting } from './report-form';
import { mountScanner } from './scanner';
import { mountVerifyBadge } from './verify-badge';

/** The language switch keeps the signed fragment (the server never sees it, so its link cannot). */
function keepFragmentOnLanguageSwitch(): void {
  const link = document.querySelector<HTMLAnchorElement>('a.lang-switch');
  if (!link) return;
  const base = link.getAttribute('href')?.split('#')[0] ?? '';
  link.setAttribute('href', `${base}${location.hash}`);
}

function start(): void {
  const lang = pageLang();
  const slot = document.querySelector<HTMLElement>('[data-slot="qr-scanner"]');
  if (slot) mountScanner(slot, lang);
  const card = document.querySelector<HTMLElement>('article.certificate');
  if (card) {
    const check = () => {
      keepFragmentOnLanguageSwitch();
      void mountVerifyBadge(card, lang);
    };
    check();
    // A new fragment in the same tab (a pasted link) is a new code to check.
    window.addEventListener('hashchange', check);
  }
  const reportForm = document.querySelector<HTMLFormElement>('form.report-form');
  if (reportForm) mountPhotoFitting(reportForm, lang);
  const sent = document.querySelector<HTMLElement>('.report-sent');
  if (sent) mountCopyReference(sent, lang);
}

start();
