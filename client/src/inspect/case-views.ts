/** Cases: opening one from queue items, the list, and one case with its actions (assign, note, evidence, decide). */
import { messagesFor } from '../../../server/certificates/certificate-texts';
import type { Inspector } from '../../../server/inspectors/inspector-schema';
import { el, replaceChildren, type Child } from '../dom';
import { api } from './api';
import { attachmentsSection } from './attachment-views';
import { decideForm } from './decide-form';
import { inspectors } from './directory';
import { itemKey, queueState } from './queue-view';
import type { Case, CaseAction, CaseEvent, CaseRefs, CaseView } from './types';
import {
  actionForm,
  chinaTime,
  errorBox,
  facts,
  field,
  input,
  publicLink,
  refPersonName,
  routeLink,
  select,
  textarea,
  valueOf,
  view,
  type ViewContext,
} from './ui';

export { forgetDirectory } from './directory';

function inspectorOptions(list: Inspector[], none?: string): [string, string][] {
  const options = list.map((i): [string, string] => [i.id, `${i.name} · ${i.unit}`]);
  return none === undefined ? options : [['', none], ...options];
}

/** The assignee field: the directory's active inspectors, or a hint saying why there is no one to choose. */
function assigneeField(ctx: ViewContext, control: HTMLSelectElement, list: Inspector[]): HTMLElement {
  const { t } = ctx;
  if (list.length > 0) return field(control, t.assignee);
  control.disabled = true;
  const wrapper = field(control, t.assignee, t.noInspectors);
  wrapper.append(el('p', {}, routeLink('#inspectors', t.nav.inspectors)));
  return wrapper;
}

function inspectorName(list: Inspector[], id: string | undefined, fallback: string): string {
  if (!id) return fallback;
  return list.find((i) => i.id === id)?.name ?? id;
}

/** A person as the case names them: by name from the case's refs, else the directory, else "unknown". */
function personName(ctx: ViewContext, refs: CaseRefs, list: Inspector[], id: string | undefined): string {
  if (!id) return ctx.t.unassigned;
  if (id === 'system') return ctx.t.system;
  return refPersonName(ctx.t, refs, id) ?? list.find((i) => i.id === id)?.name ?? ctx.t.unknownPerson;
}

/** A certificate as the case names it: number · holder (its public id only when the registry lacks it). */
function certificateName(refs: CaseRefs, publicId: string): string {
  const c = refs.certificates[publicId];
  return c ? `${c.number} · ${c.holderName}` : publicId;
}

function tipName(ctx: ViewContext, refs: CaseRefs, id: string): string {
  return refs.tips[id]?.reference ?? ctx.t.unknownItem;
}

function signalName(ctx: ViewContext, refs: CaseRefs, id: string): string {
  const s = refs.signals[id];
  return s ? `${s.title?.[ctx.lang] ?? s.ruleId} · ${s.label}` : ctx.t.unknownItem;
}

function flagName(ctx: ViewContext, refs: CaseRefs, id: string): string {
  const f = refs.flags[id];
  return f ? ctx.t.flagLabel(certificateName(refs, f.publicId)) : ctx.t.unknownItem;
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
      assigneeField(ctx, select('case-assignee', inspectorOptions(list, t.noAssignee)), list),
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
          { class: 'queue cards', id: 'cases' },
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
                el(
                  'td',
                  { class: 'code nowrap', 'data-label': c.reference },
                  routeLink(`#case/${k.id}`, k.reference),
                ),
                el('td', { 'data-label': c.title }, k.title),
                el('td', { class: 'nowrap', 'data-label': c.state }, t.caseState[k.state]),
                el('td', { 'data-label': c.assignee }, inspectorName(list, k.assignee, t.unassigned)),
                el('td', { class: 'nowrap', 'data-label': c.updated }, chinaTime(k.updatedAt)),
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

/** One line of the history: when, who (by name), what (with the names of what it linked). */
function eventLine(ctx: ViewContext, event: CaseEvent, k: CaseView, list: Inspector[]): HTMLElement {
  const { t } = ctx;
  const { refs } = k;
  const { colon, sep, listSep } = t.punctuation;
  const action = t.eventAction[event.action];
  const details: string[] = [];
  const named = (label: string, values: string[]) => {
    if (values.length > 0) details.push(t.labelled(label, values.join(listSep)));
  };
  switch (event.action) {
    case 'create':
    case 'link':
    case 'unlink':
      named(
        t.kind.tip,
        event.tipIds.map((id) => tipName(ctx, refs, id)),
      );
      named(
        t.kind.signal,
        event.signalIds.map((id) => signalName(ctx, refs, id)),
      );
      named(
        t.kind.flag,
        event.flagIds.map((id) => flagName(ctx, refs, id)),
      );
      named(
        t.field.certificates,
        event.publicIds.map((id) => certificateName(refs, id)),
      );
      if (event.action === 'create' && event.assignee) {
        named(t.assignee, [personName(ctx, refs, list, event.assignee)]);
      }
      break;
    case 'assign':
      named(t.assignee, [personName(ctx, refs, list, event.assignee)]);
      break;
    case 'note':
      details.push(event.text);
      break;
    case 'evidence':
      details.push(event.description);
      if (event.reference) named(t.evidenceReference, [event.reference]);
      break;
    case 'attach':
      details.push(t.attachedFile(event.name, t.fileSize(event.size)));
      break;
    case 'decide':
      details.push(t.outcome[event.outcome]);
      break;
  }
  return el(
    'li',
    { 'data-action': event.action },
    el('span', { class: 'muted' }, `${chinaTime(event.at)} · `),
    el('span', { class: 'event-by' }, personName(ctx, refs, list, event.by)),
    el('span', { class: 'muted' }, ' · '),
    el('strong', {}, action),
    details.length > 0 ? el('span', { class: 'pre-line' }, `${colon}${details.join(sep)}`) : null,
  );
}

function linkedItems(ctx: ViewContext, k: CaseView): HTMLElement {
  const { t } = ctx;
  const { refs } = k;
  const links: Child[] = [
    ...k.tipIds.map((id) => routeLink(`#tip/${id}`, `${t.kind.tip} ${tipName(ctx, refs, id)}`)),
    ...k.signalIds.map((id) =>
      routeLink(`#signal/${id}`, t.labelled(t.kind.signal, signalName(ctx, refs, id))),
    ),
    ...k.flagIds.map((id) => flagName(ctx, refs, id)),
    ...k.publicIds.map((id) =>
      el('span', {}, `${t.field.certificate} `, publicLink(id, certificateName(refs, id))),
    ),
  ];
  if (links.length === 0) return el('p', { class: 'muted' }, t.nothingLinked);
  return el('ul', { class: 'plain', id: 'linked-items' }, ...links.map((l) => el('li', {}, l)));
}

export async function caseView(ctx: ViewContext, id: string): Promise<HTMLElement> {
  const { t } = ctx;
  const [k, list] = await Promise.all([api.case(id), inspectors()]);
  const person = (who: string | undefined) => personName(ctx, k.refs, list, who);
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
      [t.assignee, el('span', { id: 'case-assignee' }, person(k.assignee))],
      [t.field.created, `${chinaTime(k.createdAt)} · ${person(k.createdBy)}`],
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
            [t.decidedAt, `${chinaTime(decision.decidedAt)} · ${person(decision.decidedBy)}`],
            [
              t.statusChangeLegend,
              decision.statusChange
                ? t.statusOrdered(
                    certificateName(k.refs, decision.statusChange.publicId),
                    messagesFor(ctx.lang).status[decision.statusChange.status].badge,
                    decision.statusChange.date,
                  )
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
    el('ol', { class: 'events' }, ...k.events.map((e) => eventLine(ctx, e, k, list))),
    attachmentsSection(ctx, k),
  ];
  if (k.state === 'open') {
    const assignee = select('assign-to', inspectorOptions(list), k.assignee);
    assignee.required = true;
    sections.push(
      el(
        'div',
        { class: 'case-actions' },
        actionForm(
          ctx,
          { label: t.assignHeading, heading: true, submitLabel: t.assign },
          [assigneeField(ctx, assignee, list)],
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
