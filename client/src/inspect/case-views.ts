/** Cases: opening one from queue items, the list, and one case with its actions (assign, note, evidence, decide). */
import { messagesFor } from '../../../server/certificates/certificate-texts';
import type { Inspector } from '../../../server/inspectors/inspector-schema';
import { el, replaceChildren, type Child } from '../dom';
import { api } from './api';
import { decideForm } from './decide-form';
import { itemKey, queueState } from './queue-view';
import type { Case, CaseAction, CaseEvent } from './types';
import {
  actionForm,
  chinaTime,
  errorBox,
  facts,
  field,
  input,
  publicLink,
  routeLink,
  select,
  textarea,
  valueOf,
  view,
  type ViewContext,
} from './ui';

let directory: Promise<Inspector[]> | undefined;

/** The active inspectors (read once per sign-in; a failed read is tried again next time). */
function inspectors(): Promise<Inspector[]> {
  directory ??= api.inspectors().then(
    (list) => list.items,
    (error: unknown) => {
      directory = undefined;
      throw error;
    },
  );
  return directory;
}

/** Forgets what the last inspector's session read. */
export function forgetDirectory(): void {
  directory = undefined;
}

function inspectorOptions(list: Inspector[], none?: string): [string, string][] {
  const options = list.map((i): [string, string] => [i.id, `${i.name} (${i.id}) · ${i.unit}`]);
  return none === undefined ? options : [['', none], ...options];
}

function inspectorName(list: Inspector[], id: string | undefined, fallback: string): string {
  if (!id) return fallback;
  const found = list.find((i) => i.id === id);
  return found ? `${found.name} (${id})` : id;
}

export async function newCaseView(ctx: ViewContext): Promise<HTMLElement> {
  const { t } = ctx;
  const items = [...queueState.selected.values()];
  if (items.length === 0) {
    return view(t.newCaseHeading, el('p', {}, t.selectFirst, ' ', routeLink('#queue', t.nav.queue)));
  }
  const list = await inspectors();
  const itemList = el('ul', { class: 'case-items' });
  const renderItems = () => {
    replaceChildren(
      itemList,
      ...[...queueState.selected.values()].map((item) => {
        const remove = el(
          'button',
          { type: 'button', class: 'button-small', 'aria-label': t.removeItem(item.label) },
          '×',
        );
        remove.addEventListener('click', () => {
          queueState.selected.delete(itemKey(item));
          if (queueState.selected.size === 0) ctx.refresh();
          else renderItems();
        });
        return el('li', {}, `${t.kind[item.kind]}: ${item.label} `, remove);
      }),
    );
  };
  renderItems();
  const form = actionForm(
    ctx,
    { label: t.newCaseHeading, submitLabel: t.createCase },
    [
      el('h3', {}, t.caseItems),
      itemList,
      field(input('case-title', { required: true, maxlength: '200' }), t.caseTitle),
      field(textarea('case-summary', { maxlength: '4000' }), t.caseSummary),
      field(select('case-assignee', inspectorOptions(list, t.noAssignee)), t.assignee),
    ],
    async (f) => {
      const chosen = [...queueState.selected.values()];
      const ids = (kind: string) => chosen.filter((i) => i.kind === kind).map((i) => i.id);
      const created = await api.openCase({
        title: valueOf(f, 'case-title'),
        summary: valueOf(f, 'case-summary') || undefined,
        assignee: valueOf(f, 'case-assignee') || undefined,
        tipIds: ids('tip'),
        signalIds: ids('signal'),
        flagIds: ids('flag'),
        publicIds: [...new Set(chosen.flatMap((i) => i.publicIds))],
      });
      queueState.selected.clear();
      ctx.go(`#case/${created.id}`);
    },
  );
  return view(t.newCaseHeading, form);
}

let casesFilter: Case['state'] | '' = 'open';

export async function casesView(ctx: ViewContext): Promise<HTMLElement> {
  const { t } = ctx;
  const state = select(
    'cases-state',
    [
      ['', t.kindAll],
      ...(['open', 'confirmed', 'dismissed'] as const).map((s): [string, string] => [s, t.caseState[s]]),
    ],
    casesFilter,
  );
  const results = el('div', {});
  const load = async () => {
    replaceChildren(results, el('p', { class: 'muted' }, t.loading));
    try {
      const [page, list] = await Promise.all([api.cases(casesFilter), inspectors()]);
      if (page.items.length === 0) return replaceChildren(results, el('p', {}, t.casesNone));
      const c = t.caseColumns;
      replaceChildren(
        results,
        el(
          'table',
          { class: 'queue' },
          el('caption', { class: 'visually-hidden' }, t.casesHeading),
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ...[c.reference, c.title, c.state, c.assignee, c.updated].map((h) =>
                el('th', { scope: 'col' }, h),
              ),
            ),
          ),
          el(
            'tbody',
            {},
            ...page.items.map((k) =>
              el(
                'tr',
                {},
                el('td', { class: 'code' }, routeLink(`#case/${k.id}`, k.reference)),
                el('td', {}, k.title),
                el('td', {}, t.caseState[k.state]),
                el('td', {}, inspectorName(list, k.assignee, t.unassigned)),
                el('td', {}, chinaTime(k.updatedAt)),
              ),
            ),
          ),
        ),
      );
    } catch (error) {
      replaceChildren(results, errorBox(error, ctx));
    }
  };
  const filter = el(
    'form',
    { class: 'form console-filters', role: 'search', 'aria-label': t.casesHeading },
    field(state, t.caseStateLabel),
    el('button', { type: 'submit' }, t.applyFilters),
  );
  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    casesFilter = state.value as typeof casesFilter;
    void load();
  });
  await load();
  return view(t.casesHeading, filter, results);
}

/** One line of the history: when, who, what (with the text of a note or evidence). */
function eventLine(ctx: ViewContext, event: CaseEvent, list: Inspector[]): HTMLElement {
  const { t } = ctx;
  const { colon } = messagesFor(ctx.lang);
  const action = (t.eventAction as Record<string, string>)[event.action] ?? event.action;
  // The details each kind of step carries, named; lists of linked ids by their kind, empty ones left out.
  const names: Record<string, string> = {
    publicIds: t.field.certificates,
    tipIds: t.kind.tip,
    signalIds: t.kind.signal,
    flagIds: t.kind.flag,
    assignee: t.assignee,
    reference: t.evidenceReference,
    outcome: t.outcomeLegend,
  };
  const details = Object.entries(event)
    .filter(
      ([key, value]) =>
        !['at', 'by', 'action', 'previous'].includes(key) && !(Array.isArray(value) && value.length === 0),
    )
    .map(([key, value]) => {
      const text =
        key === 'assignee'
          ? inspectorName(list, String(value), '')
          : key === 'outcome'
            ? ((t.outcome as Record<string, string>)[String(value)] ?? String(value))
            : Array.isArray(value)
              ? value.join(', ')
              : String(value);
      return names[key] ? `${names[key]}${colon}${text}` : text;
    });
  return el(
    'li',
    { 'data-action': event.action },
    el('span', { class: 'muted' }, `${chinaTime(event.at)} · ${event.by} · `),
    el('strong', {}, action),
    details.length > 0 ? el('span', { class: 'pre-line' }, `${colon}${details.join('; ')}`) : null,
  );
}

function linkedItems(ctx: ViewContext, k: Case): HTMLElement {
  const { t } = ctx;
  const links: Child[] = [
    ...k.tipIds.map((id) => routeLink(`#tip/${id}`, `${t.kind.tip} ${id}`)),
    ...k.signalIds.map((id) => routeLink(`#signal/${id}`, `${t.kind.signal} ${id}`)),
    ...k.flagIds.map((id) => `${t.kind.flag} ${id}`),
    ...k.publicIds.map((id) => el('span', {}, `${t.field.certificate} `, publicLink(id))),
  ];
  return el('ul', { class: 'plain' }, ...links.map((l) => el('li', {}, l)));
}

export async function caseView(ctx: ViewContext, id: string): Promise<HTMLElement> {
  const { t } = ctx;
  const [k, list] = await Promise.all([api.case(id), inspectors()]);
  /** One action on the case; the view then shows the case as the server answered it. */
  const act = async (action: CaseAction) => {
    await api.act(k.id, action);
    ctx.refresh(t.saved);
  };
  const decision = k.decision;
  const sections: Child[] = [
    facts([
      [t.caseColumns.reference, el('span', { class: 'code', id: 'case-reference' }, k.reference)],
      [t.caseStateLabel, el('span', { id: 'case-state', 'data-state': k.state }, t.caseState[k.state])],
      [t.caseSummary, k.summary ? el('span', { class: 'pre-line' }, k.summary) : undefined],
      [t.assignee, el('span', { id: 'case-assignee' }, inspectorName(list, k.assignee, t.unassigned))],
      [t.field.created, `${chinaTime(k.createdAt)} · ${k.createdBy}`],
      [t.caseColumns.updated, chinaTime(k.updatedAt)],
    ]),
    el('h3', {}, t.linked),
    linkedItems(ctx, k),
    decision
      ? el(
          'section',
          { class: 'panel', 'aria-labelledby': 'decision-heading' },
          el('h3', { id: 'decision-heading' }, t.decision),
          facts([
            [t.outcomeLegend, t.outcome[decision.outcome]],
            [t.basis, decision.basis],
            [t.facts, el('span', { class: 'pre-line' }, decision.facts)],
            [t.field.created, `${chinaTime(decision.decidedAt)} · ${decision.decidedBy}`],
            [
              t.statusChangeLegend,
              decision.statusChange
                ? `${decision.statusChange.publicId}: ${decision.statusChange.status} (${decision.statusChange.date})`
                : undefined,
            ],
            [
              t.recordsLegend,
              decision.recordIds.length > 0 ? t.records(decision.recordIds.length) : undefined,
            ],
          ]),
        )
      : null,
    el('h3', {}, t.events),
    el('ol', { class: 'events' }, ...k.events.map((e) => eventLine(ctx, e, list))),
  ];
  if (k.state === 'open') {
    const assignee = select('assign-to', inspectorOptions(list), k.assignee);
    sections.push(
      el(
        'div',
        { class: 'case-actions' },
        actionForm(
          ctx,
          { label: t.assignHeading, heading: true, submitLabel: t.assign },
          [field(assignee, t.assignee)],
          (f) => act({ action: 'assign', assignee: valueOf(f, 'assign-to') }),
        ),
        actionForm(
          ctx,
          { label: t.noteHeading, heading: true, submitLabel: t.addNote },
          [field(textarea('note-text', { required: true, maxlength: '4000' }), t.noteLabel)],
          (f) => act({ action: 'note', text: valueOf(f, 'note-text') }),
        ),
        actionForm(
          ctx,
          { label: t.evidenceHeading, heading: true, submitLabel: t.addEvidence },
          [
            field(
              textarea('evidence-description', { required: true, maxlength: '2000' }),
              t.evidenceDescription,
            ),
            field(input('evidence-reference', { maxlength: '200' }), t.evidenceReference),
          ],
          (f) =>
            act({
              action: 'evidence',
              description: valueOf(f, 'evidence-description'),
              reference: valueOf(f, 'evidence-reference') || undefined,
            }),
        ),
        await decideForm(ctx, k, act),
      ),
    );
  }
  return view(`${k.reference} · ${k.title}`, ...sections);
}
