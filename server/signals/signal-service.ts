import { SYSTEM_ACTOR, type Actor } from '../audit/audit-schema';
import type { AuditService } from '../audit/audit-service';
import { AppError } from '../platform/errors';
import { SCAN_RULES, UPLOAD_RULES } from './rules';
import { REPORTING_OVERDUE } from './reporting-overdue';
import { signalText } from './signal-summaries';
import type { SignalFilter, SignalRepository } from './signal-repository';
import {
  signalDraftSchema,
  type Signal,
  type SignalDraft,
  type SignalState,
  type SignalView,
  type TriageSignalRequest,
} from './signal-schema';
import { newWorkflowId } from '../platform/ids';
import { pageWindow, type Page, type PageRequest } from '../platform/paging';

/** What the queue shows of a rule. */
export interface RuleTitle {
  id: string;
  title: { zh: string; en: string };
}

export type SignalPage = Page<SignalView>;

export interface SignalService {
  /**
   * Stores what rules raise: each draft validated, then created (a new random id, open) or, when its
   * dedup key is stored, counted as a repeat of that signal. The stored signals, in input order. Each
   * new signal is audited (`signal.raise` by the system, target the signal), so that its audit trail
   * starts with its creation; a repeat is not a change worth an entry.
   */
  raise(drafts: SignalDraft[]): Promise<Signal[]>;
  /** One page of the queue, most recently raised first, with each signal's rule title. */
  list(filter: SignalFilter, page: PageRequest): Promise<SignalPage>;
  /** The rules that raise signals, with their titles in both languages, in registration order. */
  rules(): RuleTitle[];
  /** One signal; SIGNAL_NOT_FOUND when there is none. */
  get(id: string): Promise<SignalView>;
  /**
   * Moves signals to a state for the case workflow (in-case with its caseId, or dismissed with the case).
   * Not audited here: the case's own entry records the move. Unknown ids are ignored.
   */
  setState(ids: readonly string[], state: SignalState, caseId?: string): Promise<SignalView[]>;
  /**
   * An inspector dismisses a signal or opens it again, with a note (audited as `signal.dismiss` or
   * `signal.reopen`). The same state again changes nothing. A signal in a case is the case's to decide:
   * SIGNAL_IN_CASE.
   */
  triage(id: string, request: TriageSignalRequest, actor: Actor): Promise<SignalView>;
}

const notFound = (id: string) => new AppError('SIGNAL_NOT_FOUND', `No risk signal has the id ${id}.`);
const inCase = (signal: Signal) =>
  new AppError(
    'SIGNAL_IN_CASE',
    `Signal ${signal.id} is part of case ${signal.caseId ?? ''}; the case's decision settles it.`,
  );

export function createSignalService(deps: {
  signals: SignalRepository;
  audit: Pick<AuditService, 'record' | 'recordMany'>;
  /** Titles of the rules that raise signals (every registered rule by default). */
  rules?: readonly RuleTitle[];
  /** The clock, ms since the epoch. */
  now?: () => number;
}): SignalService {
  const { signals, audit } = deps;
  const now = deps.now ?? Date.now;
  const known: RuleTitle[] = (deps.rules ?? [...UPLOAD_RULES, ...SCAN_RULES, REPORTING_OVERDUE]).map(
    ({ id, title }) => ({
      id,
      title,
    }),
  );
  const titles = new Map(known.map((r) => [r.id, r.title]));

  /** A signal with its rule's title (a rule since removed is shown by its id). */
  const view = (signal: Signal): SignalView => {
    const title = titles.get(signal.ruleId) ?? { zh: signal.ruleId, en: signal.ruleId };
    return { ...signal, rule: { id: signal.ruleId, title }, text: signalText(signal, title) };
  };

  async function get(id: string): Promise<SignalView> {
    const signal = await signals.findById(id);
    if (!signal) throw notFound(id);
    return view(signal);
  }

  return {
    async raise(drafts) {
      if (drafts.length === 0) return [];
      const checked = drafts.map((draft) => ({ id: newWorkflowId(), draft: signalDraftSchema.parse(draft) }));
      const results = await signals.raise(checked, new Date(now()).toISOString());
      // The new signals' entries in one append (one write lock for the batch), in the order raised.
      await audit.recordMany(
        results
          .filter(({ created }) => created)
          .map(({ signal }) => {
            const { id, ruleId, severity, subject, dedupKey, certificatePublicIds, bodyCode } = signal;
            return {
              actor: SYSTEM_ACTOR,
              action: 'signal.raise',
              target: { type: 'signal', id },
              change: { ruleId, severity, subject, dedupKey, certificatePublicIds, bodyCode },
            };
          }),
      );
      return results.map((r) => r.signal);
    },

    async list(filter, { page, pageSize }) {
      const { items, total } = await signals.list(filter, pageWindow({ page, pageSize }));
      return { items: items.map(view), total, page, pageSize };
    },

    rules: () => known.map((r) => ({ ...r })),

    get,

    async setState(ids, state, caseId) {
      return (await signals.setState(ids, state, caseId)).map(view);
    },

    async triage(id, { state, note }, actor) {
      const before = await get(id);
      if (before.state === 'in-case') throw inCase(before);
      if (before.state === state) return before;
      // Compare-and-set: a case may have taken the signal since it was read.
      const [moved] = await signals.setState([id], state, undefined, [before.state]);
      if (!moved) {
        const current = await get(id);
        if (current.state === 'in-case') throw inCase(current);
        return current;
      }
      await audit.record(
        actor,
        state === 'dismissed' ? 'signal.dismiss' : 'signal.reopen',
        { type: 'signal', id },
        { from: before.state, to: state, note },
      );
      return view(moved);
    },
  };
}
