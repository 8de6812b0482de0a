/**
 * The queue: new tips, open risk signals and flags not yet in a case, in one list with filters (kind,
 * severity, rule, body). Items are opened by their link and selected by their checkbox to open a case.
 */
import { reportTextsFor } from '../../../server/tips/tip-texts';
import { el, replaceChildren } from '../dom';
import { api } from './api';
import { bodiesByCode, bodyName, knownRules } from './directory';
import type { QueueKind } from './texts';
import type { Body, Flag, RuleTitle, SignalView, Tip } from './types';
import { chinaTime, errorBox, field, routeLink, select, view, type ViewContext } from './ui';

/** An item of the queue as a case takes it: what it is, and the certificates it concerns. */
export interface QueueItem {
  kind: QueueKind;
  id: string;
  label: string;
  publicIds: string[];
}

interface Filters {
  kind: '' | QueueKind;
  severity: '' | 'low' | 'medium' | 'high';
  ruleId: string;
  bodyCode: string;
}

/** What the console remembers between views (in memory only). */
export const queueState = {
  filters: { kind: '', severity: '', ruleId: '', bodyCode: '' } as Filters,
  /** Items chosen for a new case, by `kind:id`. */
  selected: new Map<string, QueueItem>(),
};

export const itemKey = (item: Pick<QueueItem, 'kind' | 'id'>) => `${item.kind}:${item.id}`;

export function tipItem(tip: Tip): QueueItem {
  return { kind: 'tip', id: tip.id, label: tip.reference, publicIds: tip.publicId ? [tip.publicId] : [] };
}

export function signalItem(signal: SignalView, ctx: ViewContext): QueueItem {
  return {
    kind: 'signal',
    id: signal.id,
    label: `${signal.rule.title[ctx.lang]} · ${signal.subject.label ?? signal.subject.key}`,
    publicIds: signal.certificatePublicIds,
  };
}

/** A flag by its certificate's name (number · holder) when known, else by its reason: never by an id. */
export function flagItem(flag: Flag, ctx: ViewContext, certificate?: string): QueueItem {
  const reason = flag.reason.length > 40 ? `${flag.reason.slice(0, 39)}…` : flag.reason;
  const label = certificate ? ctx.t.flagLabel(certificate) : ctx.t.labelled(ctx.t.kind.flag, reason);
  return { kind: 'flag', id: flag.id, label, publicIds: [flag.publicId] };
}

const SEVERITY_RANK: Record<SignalView['severity'], number> = { high: 0, medium: 1, low: 2 };

interface Row {
  item: QueueItem;
  severity?: SignalView['severity'];
  what: string;
  body?: string;
  when: string;
}

function filtersForm(
  ctx: ViewContext,
  onApply: () => void,
  rules: readonly RuleTitle[],
  bodies: Map<string, Body>,
): HTMLFormElement {
  const { t } = ctx;
  const f = queueState.filters;
  const kind = select(
    'filter-kind',
    [['', t.kindAll], ...(['tip', 'signal', 'flag'] as const).map((k) => [k, t.kind[k]] as const)],
    f.kind,
  );
  const severity = select(
    'filter-severity',
    [['', t.severityAny], ...(['high', 'medium', 'low'] as const).map((s) => [s, t.severity[s]] as const)],
    f.severity,
  );
  // The known rules, by title: a rule is chosen, never typed.
  const rule = select(
    'filter-rule',
    [['', t.ruleAny], ...rules.map((r) => [r.id, r.title[ctx.lang]] as const)],
    f.ruleId,
  );
  const body = select(
    'filter-body',
    [['', t.bodyAny], ...[...bodies.values()].map((b) => [b.code, bodyName(ctx, bodies, b.code)] as const)],
    f.bodyCode,
  );
  const form = el(
    'form',
    { class: 'form console-filters', role: 'search', 'aria-label': t.filtersLegend },
    field(kind, t.kindLabel),
    field(severity, t.severityLabel),
    field(rule, t.ruleLabel),
    field(body, t.bodyLabel),
    el('button', { type: 'submit' }, t.applyFilters),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    queueState.filters = {
      kind: kind.value as Filters['kind'],
      severity: severity.value as Filters['severity'],
      ruleId: rule.value,
      bodyCode: body.value,
    };
    onApply();
  });
  return form;
}

/** Reads what the filters ask for: signals filter on the server, tips and flags here. */
async function loadRows(ctx: ViewContext): Promise<{ rows: Row[]; totals: [number, number, number] }> {
  const { filters } = queueState;
  const signalOnly = filters.severity !== '' || filters.ruleId !== '';
  const want = (kind: QueueKind) =>
    (filters.kind === '' || filters.kind === kind) && (kind === 'signal' || !signalOnly);
  const none = { items: [], total: 0, page: 1, pageSize: 0 };
  const [tips, signals, flags] = await Promise.all([
    want('tip') ? api.tips('new') : none,
    want('signal')
      ? api.signals({
          state: 'open',
          severity: filters.severity || undefined,
          ruleId: filters.ruleId || undefined,
          bodyCode: filters.bodyCode || undefined,
        })
      : none,
    // A flag names only a certificate: a body filter leaves flags out.
    want('flag') && filters.bodyCode === '' ? api.flags('open') : none,
  ]);
  const categories = reportTextsFor(ctx.lang).category;
  const rows: Row[] = [
    ...(signals.items as SignalView[]).map((s) => ({
      item: signalItem(s, ctx),
      severity: s.severity,
      // A signal's sentence may already start with its rule's title (a sentence no renderer wrote).
      what: s.text[ctx.lang].startsWith(s.rule.title[ctx.lang])
        ? s.text[ctx.lang]
        : ctx.t.labelled(s.rule.title[ctx.lang], s.text[ctx.lang]),
      body: s.bodyCode,
      when: s.lastRaisedAt,
    })),
    ...(tips.items as Tip[])
      .filter((tip) => filters.bodyCode === '' || tip.bodyCode === filters.bodyCode)
      .map((tip) => ({
        item: tipItem(tip),
        what: `${tip.reference} · ${ctx.t.labelled(categories[tip.category], tip.description)}`,
        body: tip.bodyCode ?? tip.certificate?.bodyCode,
        when: tip.receivedAt,
      })),
    ...(flags.items as Flag[]).map((flag) => ({
      item: flagItem(flag, ctx),
      what: ctx.t.labelled(ctx.t.kind.flag, flag.reason),
      when: flag.createdAt,
    })),
  ];
  // High severity first, then the newest.
  const rank = (r: Row) => (r.severity ? SEVERITY_RANK[r.severity] : 3);
  rows.sort((a, b) => rank(a) - rank(b) || b.when.localeCompare(a.when));
  return { rows, totals: [tips.total, signals.total, flags.total] };
}

function rowOf(
  ctx: ViewContext,
  row: Row,
  bodies: Map<string, Body>,
  onSelect: () => void,
): HTMLTableRowElement {
  const { t } = ctx;
  const key = itemKey(row.item);
  const box = el('input', {
    type: 'checkbox',
    id: `select-${key.replace(':', '-')}`,
    'aria-label': t.selectItem(row.item.label),
    checked: queueState.selected.has(key),
  });
  box.addEventListener('change', () => {
    if (box.checked) queueState.selected.set(key, row.item);
    else queueState.selected.delete(key);
    onSelect();
  });
  const what = row.what.length > 140 ? `${row.what.slice(0, 139)}…` : row.what;
  const c = t.columns;
  // `data-label` names each cell where a phone shows the row as a card (site.css).
  return el(
    'tr',
    { 'data-kind': row.item.kind, 'data-id': row.item.id },
    el('td', { class: 'select-cell', 'data-label': c.select }, box),
    el('td', { class: 'nowrap', 'data-label': c.kind }, t.kind[row.item.kind]),
    el(
      'td',
      { class: row.severity ? 'nowrap' : 'nowrap empty-cell', 'data-label': c.severity },
      row.severity
        ? el('span', { class: `severity severity-${row.severity}` }, t.severity[row.severity])
        : '',
    ),
    el(
      'td',
      { class: 'what', 'data-label': c.what },
      row.item.kind === 'flag' ? what : routeLink(`#${row.item.kind}/${row.item.id}`, what),
    ),
    el(
      'td',
      { class: row.body ? 'nowrap' : 'empty-cell', 'data-label': c.body },
      bodyName(ctx, bodies, row.body),
    ),
    el('td', { class: 'nowrap', 'data-label': c.when }, chinaTime(row.when)),
  );
}

export async function queueView(ctx: ViewContext): Promise<HTMLElement> {
  const { t } = ctx;
  const results = el('div', { class: 'queue-results', 'aria-busy': 'true' });
  const openCase = el('button', { type: 'button', class: 'button-secondary', id: 'open-case' });
  const updateSelection = () => {
    openCase.textContent = t.openCaseFromSelection(queueState.selected.size);
    openCase.disabled = queueState.selected.size === 0;
  };
  openCase.addEventListener('click', () => ctx.go('#new-case'));
  updateSelection();

  /** Reads the queue; after a change of filters, the status line says what it now holds. */
  const [rules, bodies] = await Promise.all([
    knownRules().catch(() => [] as RuleTitle[]),
    bodiesByCode().catch(() => new Map<string, Body>()),
  ]);

  async function load(announce = false): Promise<void> {
    results.setAttribute('aria-busy', 'true');
    replaceChildren(results, el('p', { class: 'muted' }, t.loading));
    try {
      const { rows, totals } = await loadRows(ctx);
      const caption = `${t.queueTotals(...totals)} · ${t.queueShown(rows.length)}`;
      if (announce) ctx.announce(caption);
      const table = el(
        'table',
        { class: 'queue cards', id: 'queue' },
        el('caption', {}, caption),
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...[
              t.columns.select,
              t.columns.kind,
              t.columns.severity,
              t.columns.what,
              t.columns.body,
              t.columns.when,
            ].map((c) => el('th', { scope: 'col' }, c)),
          ),
        ),
        el('tbody', {}, ...rows.map((r) => rowOf(ctx, r, bodies, updateSelection))),
      );
      replaceChildren(
        results,
        rows.length > 0 ? table : el('p', {}, `${t.queueTotals(...totals)}. ${t.queueEmpty}`),
      );
    } catch (error) {
      replaceChildren(results, errorBox(error, ctx));
    } finally {
      results.setAttribute('aria-busy', 'false');
    }
  }
  await load();
  return view(
    t.queueHeading,
    filtersForm(ctx, () => void load(true), rules, bodies),
    el('p', {}, openCase),
    results,
  );
}
