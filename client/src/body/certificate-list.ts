/**
 * "My certificates": the body's own certificates in number order, a page at a time (keyset: the server
 * hands out the cursor of the next page), narrowed by effective status and the start of the number. A
 * row's number opens the status change for that certificate (views.ts, certificatePanel). On a phone the
 * table reads as cards (site.css, table.cards).
 */
import type { BodyCertificateItem, Status } from '../../../server/certificates/certificate-schema';
import { messagesFor } from '../../../server/certificates/certificate-texts';
import { el, replaceChildren } from '../dom';
import { api } from './api';
import { errorBox, type ChangeTarget, type PortalContext } from './views';

const PAGE_SIZE = 20;
const STATUSES: readonly Status[] = ['valid', 'suspended', 'expired', 'revoked', 'withdrawn'];

export function certificateListPanel(
  ctx: PortalContext,
  open: (cert: ChangeTarget) => void,
): { element: HTMLElement; load(): Promise<void> } {
  const { t, body, lang } = ctx;
  const badge = (status: Status) => messagesFor(lang).status[status].badge;
  const c = t.listColumns;

  const status = el(
    'select',
    { id: 'list-status', name: 'status' },
    el('option', { value: '' }, t.listAllStatuses),
    ...STATUSES.map((s) => el('option', { value: s }, badge(s))),
  );
  const prefix = el('input', {
    id: 'list-prefix',
    name: 'numberPrefix',
    type: 'search',
    maxlength: '64',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'list-prefix-hint',
  });
  const filterButton = el('button', { type: 'submit' }, t.listFilterButton);
  const form = el(
    'form',
    {
      class: 'form console-filters',
      role: 'search',
      'aria-label': t.myCertificatesHeading,
      novalidate: true,
    },
    el('div', { class: 'field' }, el('label', { for: 'list-status' }, t.listStatusLabel), status),
    el(
      'div',
      { class: 'field' },
      el('label', { for: 'list-prefix' }, t.listPrefixLabel),
      el('p', { class: 'hint', id: 'list-prefix-hint' }, t.listPrefixHint),
      prefix,
    ),
    filterButton,
  );
  const results = el('div', { id: 'certificate-list' });
  const element = el(
    'section',
    { class: 'panel profile-section', 'aria-labelledby': 'my-certificates-heading' },
    el('h2', { id: 'my-certificates-heading' }, t.myCertificatesHeading),
    form,
    results,
  );

  // The cursors of the pages shown so far: the last is this page's (undefined: the first page).
  let cursors: (string | undefined)[] = [undefined];
  let filters = { status: '', numberPrefix: '' };

  function rowOf(cert: BodyCertificateItem): HTMLTableRowElement {
    const openIt = el(
      'button',
      {
        type: 'button',
        class: 'button-secondary button-small',
        'aria-label': t.openChange(cert.number),
        'data-number': cert.number,
      },
      cert.number,
    );
    openIt.addEventListener('click', () => open(cert));
    return el(
      'tr',
      {},
      el('td', { class: 'nowrap', 'data-label': c.number }, openIt),
      el('td', { 'data-label': c.holder }, cert.holder.name),
      el('td', { 'data-label': c.scheme }, lang === 'en' ? cert.scheme.en : cert.scheme.zh),
      el(
        'td',
        { class: 'nowrap', 'data-label': c.status },
        el('span', { class: `badge badge-${cert.status}` }, badge(cert.status)),
      ),
      el('td', { class: 'nowrap', 'data-label': c.validUntil }, cert.expiryDate),
    );
  }

  /**
   * Shows the page of the last cursor; `say` announces what it holds (after the clerk's own action), and
   * the pager button pressed keeps the focus where the new page still has it (else previous or next).
   */
  async function show(say = false, focus?: string): Promise<void> {
    const after = cursors[cursors.length - 1];
    results.setAttribute('aria-busy', 'true');
    try {
      const page = await api.bodyCertificates(body.code, {
        ...filters,
        ...(after === undefined ? {} : { after }),
        pageSize: PAGE_SIZE,
      });
      if (page.items.length === 0) {
        replaceChildren(results, el('p', { id: 'certificate-list-empty' }, t.listEmpty));
        if (say) ctx.announce(t.listEmpty);
        return;
      }
      const from = (cursors.length - 1) * PAGE_SIZE + 1;
      const shown = t.listShown(from, from + page.items.length - 1, page.total, page.totalCapped);
      const nav = el('nav', { class: 'pager', 'aria-label': shown });
      if (cursors.length > 1) {
        const first = el('button', { type: 'button', class: 'button-secondary' }, t.firstPage);
        first.addEventListener('click', () => {
          cursors = [undefined];
          void show(true);
        });
        const prev = el(
          'button',
          { type: 'button', class: 'button-secondary', id: 'list-previous' },
          t.previousPage,
        );
        prev.addEventListener('click', () => {
          cursors = cursors.slice(0, -1);
          void show(true, 'list-previous');
        });
        nav.append(first, prev);
      }
      const { next } = page;
      if (next !== undefined) {
        const more = el('button', { type: 'button', class: 'button-secondary', id: 'list-next' }, t.nextPage);
        more.addEventListener('click', () => {
          cursors = [...cursors, next];
          void show(true, 'list-next');
        });
        nav.append(more);
      }
      replaceChildren(
        results,
        el(
          'table',
          { class: 'data-table cards', id: 'certificate-table' },
          el('caption', {}, shown),
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ...[c.number, c.holder, c.scheme, c.status, c.validUntil].map((h) =>
                el('th', { scope: 'col' }, h),
              ),
            ),
          ),
          el('tbody', {}, ...page.items.map(rowOf)),
        ),
        nav.childElementCount > 0 ? nav : null,
      );
      if (say) ctx.announce(shown);
      if (focus)
        (
          nav.querySelector<HTMLElement>(`#${focus}`) ??
          nav.querySelector<HTMLElement>('#list-previous, #list-next')
        )?.focus();
    } catch (error) {
      replaceChildren(results, errorBox(error, ctx));
    } finally {
      results.setAttribute('aria-busy', 'false');
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    filters = { status: status.value, numberPrefix: prefix.value.trim() };
    cursors = [undefined];
    void show(true);
  });

  return { element, load: () => show() };
}
