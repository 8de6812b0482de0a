/**
 * The decision of a case: confirmed or dismissed, with the legal basis and the facts; a confirmed case
 * may order a status change of one of its certificates and list the holder, the body or an auditor as
 * dishonest. Subject fields start from the registry's record of the case's first certificate.
 */
import type { PublicCertificate } from '../../../server/certificates/certificate-schema';
import { messagesFor } from '../../../server/certificates/certificate-texts';
import type { Severity } from '../../../server/dishonesty/dishonesty-schema';
import { el } from '../dom';
import { api } from './api';
import type { Case, CaseAction, RecordSubject } from './types';
import {
  actionForm,
  chinaToday,
  choice,
  field,
  input,
  select,
  textarea,
  valueOf,
  type ViewContext,
} from './ui';

const STATUS_ORDERS = ['suspended', 'revoked', 'withdrawn'] as const;
const RECORD_KINDS = ['organisation', 'body', 'auditor'] as const;
type RecordKind = (typeof RECORD_KINDS)[number];

/** The certificates of a case as the registry has them (one that cannot be read is left out). */
async function certificatesOf(k: Case): Promise<PublicCertificate[]> {
  const found = await Promise.all(k.publicIds.map((id) => api.certificate(id).catch(() => undefined)));
  return found.filter((c): c is PublicCertificate => c !== undefined);
}

/** A group of fields shown (and validated) only while its checkbox is ticked. */
function toggled(box: HTMLElement, group: HTMLFieldSetElement): HTMLElement {
  const checkbox = box.querySelector('input') as HTMLInputElement;
  const sync = () => {
    group.hidden = !checkbox.checked;
    // A disabled fieldset's controls are neither validated nor focusable while hidden.
    group.disabled = !checkbox.checked;
  };
  checkbox.addEventListener('change', sync);
  sync();
  return el('div', { class: 'toggled' }, box, group);
}

function subjectOf(form: HTMLFormElement, kind: RecordKind): RecordSubject {
  const v = (name: string) => valueOf(form, `record-${kind}-${name}`);
  if (kind === 'organisation') return { kind, creditCode: v('creditCode'), name: v('name') };
  if (kind === 'body') return { kind, bodyCode: v('bodyCode'), name: v('name') };
  return { kind, registrationNumber: v('registrationNumber'), name: v('name'), bodyCode: v('bodyCode') };
}

export async function decideForm(
  ctx: ViewContext,
  k: Case,
  act: (action: CaseAction) => Promise<void>,
): Promise<HTMLFormElement> {
  const { t, lang } = ctx;
  const m = messagesFor(lang);
  const certs = await certificatesOf(k);
  const first = certs[0];
  // The severity names' table lists every severity (typed over it); no zod schema in the bundle.
  const severities = (Object.keys(m.dishonesty.severity) as Severity[]).map((s): [string, string] => [
    s,
    m.dishonesty.severity[s],
  ]);

  const statusGroup = el(
    'fieldset',
    { class: 'subfields' },
    el('legend', { class: 'visually-hidden' }, t.orderStatusChange),
    field(
      select(
        'status-public-id',
        k.publicIds.map((id): [string, string] => {
          const c = certs.find((x) => x.publicId === id);
          return [id, c ? `${c.number} · ${c.holder.name}` : id];
        }),
      ),
      t.field.certificate,
    ),
    field(
      select(
        'status-new',
        STATUS_ORDERS.map((s): [string, string] => [s, m.status[s].badge]),
        'revoked',
      ),
      t.newStatus,
    ),
    field(input('status-reason', { required: true, maxlength: '1000' }), t.statusReason),
    field(input('status-date', { type: 'date', required: true, value: chinaToday() }), t.statusDate),
  );

  const prefill: Record<RecordKind, Record<string, string | undefined>> = {
    organisation: { creditCode: first?.holder.creditCode, name: first?.holder.name },
    body: { bodyCode: first?.body?.code, name: first?.body?.name },
    auditor: { registrationNumber: undefined, name: undefined, bodyCode: first?.body?.code },
  };
  const labels: Record<string, string> = {
    creditCode: t.creditCode,
    bodyCode: t.field.bodyCode,
    registrationNumber: t.registrationNumber,
    name: t.name,
  };
  const recordGroups = RECORD_KINDS.map((kind) =>
    toggled(
      choice('checkbox', `record-${kind}`, t.recordFor[kind], { name: `record-${kind}` }),
      el(
        'fieldset',
        { class: 'subfields' },
        el('legend', { class: 'visually-hidden' }, t.recordFor[kind]),
        ...Object.entries(prefill[kind]).map(([name, value]) =>
          field(
            input(`record-${kind}-${name}`, { required: true, maxlength: '200', value }),
            labels[name] as string,
          ),
        ),
        field(select(`record-${kind}-severity`, severities, 'serious'), t.severityOfRecord),
      ),
    ),
  );

  const confirmedOnly = el(
    'div',
    { class: 'confirmed-only' },
    k.publicIds.length > 0
      ? el(
          'fieldset',
          {},
          el('legend', {}, t.statusChangeLegend),
          toggled(
            choice('checkbox', 'status-change', t.orderStatusChange, { name: 'status-change' }),
            statusGroup,
          ),
        )
      : null,
    el('fieldset', {}, el('legend', {}, t.recordsLegend), ...recordGroups),
  );

  const outcomes = el(
    'fieldset',
    {},
    el('legend', {}, t.outcomeLegend),
    ...(['confirmed', 'dismissed'] as const).map((o) =>
      choice('radio', `outcome-${o}`, t.outcome[o], { name: 'outcome', value: o, required: true }),
    ),
  );
  const syncOutcome = () => {
    const confirmed =
      (outcomes.querySelector('input:checked') as HTMLInputElement | null)?.value === 'confirmed';
    confirmedOnly.hidden = !confirmed;
    for (const set of confirmedOnly.querySelectorAll(':scope > fieldset'))
      (set as HTMLFieldSetElement).disabled = !confirmed;
  };
  outcomes.addEventListener('change', syncOutcome);
  syncOutcome();

  const checked = (form: HTMLFormElement, name: string) =>
    (form.elements.namedItem(name) as HTMLInputElement | null)?.checked === true;

  return actionForm(
    ctx,
    { label: t.decideHeading, heading: true, submitLabel: t.decide, className: 'decide-form' },
    [
      outcomes,
      field(textarea('decide-basis', { required: true, maxlength: '1000' }), t.basis, t.basisHint),
      field(textarea('decide-facts', { required: true, maxlength: '4000', rows: '5' }), t.facts),
      confirmedOnly,
      choice('checkbox', 'decide-final', t.finalConfirm, { name: 'decide-final', required: true }),
    ],
    (form) => {
      const outcome = (outcomes.querySelector('input:checked') as HTMLInputElement).value as
        'confirmed' | 'dismissed';
      const confirmed = outcome === 'confirmed';
      const records = RECORD_KINDS.filter((kind) => confirmed && checked(form, `record-${kind}`)).map(
        (kind) => ({
          subject: subjectOf(form, kind),
          severity: valueOf(form, `record-${kind}-severity`) as Severity,
        }),
      );
      return act({
        action: 'decide',
        outcome,
        basis: valueOf(form, 'decide-basis'),
        facts: valueOf(form, 'decide-facts'),
        statusChange:
          confirmed && checked(form, 'status-change')
            ? {
                publicId: valueOf(form, 'status-public-id'),
                status: valueOf(form, 'status-new') as (typeof STATUS_ORDERS)[number],
                reason: valueOf(form, 'status-reason'),
                date: valueOf(form, 'status-date'),
              }
            : undefined,
        records: records.length > 0 ? records : undefined,
      });
    },
  );
}
