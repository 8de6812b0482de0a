/** One tip, one risk signal, and the form that flags a certificate. */
import { el, replaceChildren, type Child } from '../dom';
import { messagesFor } from '../../../server/certificates/certificate-texts';
import { reportTextsFor } from '../../../server/tips/tip-texts';
import { api } from './api';
import { bodiesByCode, bodyName } from './directory';
import { flagItem, itemKey, queueState, signalItem, tipItem, type QueueItem } from './queue-view';
import type { SignalView, Tip } from './types';
import {
  actionForm,
  chinaTime,
  errorBox,
  facts,
  field,
  input,
  publicLink,
  routeLink,
  textarea,
  valueOf,
  view,
  type ViewContext,
} from './ui';

/** Buttons under an item: open a case from it, flag its certificate(s) (named by `names`, by public id). */
function itemActions(
  ctx: ViewContext,
  item: QueueItem,
  open: boolean,
  names: Record<string, string> = {},
): HTMLElement {
  const buttons: Child[] = [];
  if (open) {
    const openCase = el('button', { type: 'button', id: 'open-case-from-item' }, ctx.t.openCase);
    openCase.addEventListener('click', () => {
      queueState.selected.set(itemKey(item), item);
      ctx.go('#new-case');
    });
    buttons.push(openCase);
  }
  for (const publicId of item.publicIds) {
    buttons.push(
      el(
        'a',
        { class: 'button-link', href: `#flag/${publicId}` },
        ctx.t.flagThis(names[publicId] ?? ctx.t.field.certificate),
      ),
    );
  }
  return el('p', { class: 'item-actions' }, ...buttons);
}

/** A link to the case an item is in, named by its reference (one read of that case). */
async function caseLink(caseId: string | undefined): Promise<Child> {
  if (!caseId) return undefined;
  const k = await api.case(caseId);
  return routeLink(`#case/${caseId}`, `${k.reference} · ${k.title}`);
}

/** The form that dismisses a new tip with a reason. */
function dismissTipForm(ctx: ViewContext, tip: Tip): HTMLFormElement {
  const { t } = ctx;
  return actionForm(
    ctx,
    { label: t.dismissTip, heading: true, submitLabel: t.dismissTip, className: 'dismiss-form' },
    [
      field(
        textarea('dismiss-reason', { required: true, maxlength: '1000' }),
        t.dismissReason,
        t.dismissHint,
      ),
    ],
    async (form) => {
      await api.dismissTip(tip.id, valueOf(form, 'dismiss-reason'));
      ctx.refresh(t.tipDismissed);
    },
  );
}

export async function tipView(ctx: ViewContext, id: string): Promise<HTMLElement> {
  const { t, lang } = ctx;
  const tip: Tip = await api.tip(id);
  const [bodies, inCase] = await Promise.all([bodiesByCode().catch(() => new Map()), caseLink(tip.caseId)]);
  const photo = el('div', { class: 'tip-photo' });
  if (tip.hasPhoto) {
    const show = el('button', { type: 'button', class: 'button-secondary' }, t.showPhoto);
    show.addEventListener('click', async () => {
      show.disabled = true;
      try {
        // Fetched with the token (an <img src> could not send it), shown from memory.
        const url = URL.createObjectURL(await api.tipPhoto(tip.id));
        replaceChildren(photo, el('img', { src: url, alt: t.photoAlt }));
      } catch (error) {
        show.disabled = false;
        photo.append(errorBox(error, ctx));
      }
    });
    photo.append(show);
  }
  const cert = tip.certificate;
  return view(
    t.tipHeading(tip.reference),
    facts([
      [t.field.state, t.tipState[tip.state]],
      [t.field.case, inCase],
      [t.field.category, reportTextsFor(lang).category[tip.category]],
      [t.field.received, chinaTime(tip.receivedAt)],
      [t.field.description, el('span', { class: 'pre-line' }, tip.description)],
      [t.field.place, tip.place],
      [t.field.contact, tip.contact],
      [
        t.field.certificate,
        cert
          ? el(
              'span',
              {},
              publicLink(cert.publicId, `${cert.number} · ${cert.holderName}`),
              ` (${messagesFor(lang).status[cert.status].badge})`,
            )
          : tip.publicId
            ? publicLink(tip.publicId)
            : undefined,
      ],
      [t.field.number, tip.certificateNumber],
      [t.field.body, tip.bodyCode ? bodyName(ctx, bodies, tip.bodyCode) : undefined],
      [t.field.scan, tip.scan ? `${t.scanVerdict(tip.scan.verdict)} · ${tip.scan.text}` : undefined],
      [t.field.photo, tip.hasPhoto ? photo : undefined],
    ]),
    itemActions(ctx, tipItem(tip), tip.state === 'new', cert ? { [cert.publicId]: cert.number } : {}),
    tip.state === 'new' ? dismissTipForm(ctx, tip) : null,
  );
}

/** The evidence a rule saw: each entry as text (nested values as JSON). */
function evidenceList(evidence: Record<string, unknown>): HTMLElement {
  return facts(
    Object.entries(evidence).map(([key, value]) => [
      key,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );
}

export async function signalView(ctx: ViewContext, id: string): Promise<HTMLElement> {
  const { t, lang } = ctx;
  const signal: SignalView = await api.signal(id);
  const subject = signal.subject;
  const [bodies, inCase] = await Promise.all([
    bodiesByCode().catch(() => new Map()),
    caseLink(signal.caseId),
  ]);
  // The certificate the signal is about is named by its number (the subject's label).
  const names: Record<string, string> =
    subject.kind === 'certificate' && subject.label ? { [subject.key]: subject.label } : {};
  // Triage: an open signal can be dismissed, a dismissed one reopened; one in a case is the case's.
  const next = signal.state === 'open' ? 'dismissed' : signal.state === 'dismissed' ? 'open' : undefined;
  const label = next === 'dismissed' ? t.dismissSignal : t.reopenSignal;
  const triage =
    next &&
    actionForm(
      ctx,
      { label, submitLabel: label },
      [field(textarea('signal-note', { required: true, maxlength: '2000' }), t.noteLabel)],
      async (form) => {
        await api.setSignalState(signal.id, next, valueOf(form, 'signal-note'));
        ctx.refresh(t.saved);
      },
    );
  return view(
    t.signalHeading(signal.rule.title[lang]),
    facts([
      [t.field.state, t.signalState[signal.state]],
      [t.field.case, inCase],
      [
        t.severityLabel,
        el('span', { class: `severity severity-${signal.severity}` }, t.severity[signal.severity]),
      ],
      [t.field.rule, `${signal.rule.title[lang]} (${signal.rule.id})`],
      [t.field.summary, signal.text[lang]],
      [
        t.field.subject,
        `${t.subjectKind[subject.kind]} · ${subject.kind === 'certificate' ? (subject.label ?? t.field.certificate) : subject.label ? `${subject.label} · ${subject.key}` : subject.key}`,
      ],
      [
        t.field.certificates,
        signal.certificatePublicIds.length > 0
          ? el(
              'span',
              {},
              ...signal.certificatePublicIds.flatMap((p, i) => [
                i > 0 ? t.punctuation.listSep : '',
                publicLink(p, names[p] ?? t.field.certificate),
              ]),
            )
          : undefined,
      ],
      [t.bodyLabel, signal.bodyCode ? bodyName(ctx, bodies, signal.bodyCode) : undefined],
      [t.field.firstRaised, chinaTime(signal.firstRaisedAt)],
      [t.field.lastRaised, chinaTime(signal.lastRaisedAt)],
      [t.field.occurrences, String(signal.occurrences)],
    ]),
    el('h3', {}, t.field.evidence),
    evidenceList(signal.evidence),
    itemActions(ctx, signalItem(signal, ctx), signal.state === 'open', names),
    triage,
  );
}

export function flagView(ctx: ViewContext, publicId = ''): HTMLElement {
  const { t } = ctx;
  const result = el('div', { class: 'flag-result' });
  const form = actionForm(
    ctx,
    { label: t.flagHeading, submitLabel: t.flagSubmit },
    [
      field(
        input('flag-public-id', { value: publicId, required: true, maxlength: '22', spellcheck: 'false' }),
        t.publicIdLabel,
        t.publicIdHint,
      ),
      field(textarea('flag-reason', { required: true, maxlength: '1000' }), t.flagReason),
    ],
    async (f) => {
      const flag = await api.flag(valueOf(f, 'flag-public-id'), valueOf(f, 'flag-reason'));
      // The flagged certificate by number and holder (one read; the flag names it by id only).
      const cert = await api.certificate(flag.publicId).catch(() => undefined);
      const name = cert ? `${cert.number} · ${cert.holder.name}` : t.field.certificate;
      const item = flagItem(flag, ctx, cert && name);
      const openCase = el('button', { type: 'button', id: 'open-case-from-flag' }, t.openCase);
      openCase.addEventListener('click', () => {
        queueState.selected.set(itemKey(item), item);
        ctx.go('#new-case');
      });
      replaceChildren(
        result,
        el('p', { role: 'status' }, t.flagged, ' ', publicLink(flag.publicId, name)),
        el('p', {}, openCase),
      );
      ctx.announce(t.flagged);
    },
  );
  return view(t.flagHeading, form, result);
}
