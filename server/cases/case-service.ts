import type { Actor } from '../audit/audit-schema';
import type { AuditService } from '../audit/audit-service';
import type { PublicCertificate } from '../certificates/certificate-schema';
import type { CertificateService } from '../certificates/certificate-service';
import { todayInChina } from '../platform/china-time';
import { AppError, isAppError } from '../platform/errors';
import { createKeyedLock } from '../platform/keyed-lock';
import type { AttachmentRepository } from './attachment-repository';
import { sniffAttachmentType } from './attachment-content';
import { MAX_ATTACHMENT_BYTES, type Attachment } from './attachment-schema';
import type { CaseRepository } from './case-repository';
import { createCaseRefs, type CaseRefSources } from './case-refs';
import {
  LINK_KINDS,
  type Case,
  type CaseAction,
  type CaseActionInput,
  type CaseEvent,
  type CaseRecord,
  type CaseState,
  type CaseView,
  type CreateCaseInput,
  type Decision,
  type DecideInput,
  type Linked,
} from './case-schema';
import type { DishonestyService } from '../dishonesty/dishonesty-service';
import type { Flag } from './flag-schema';
import type { FlagService } from './flag-service';
import type { InspectorService } from '../inspectors/inspector-service';
import type { Signal, SignalState } from '../signals/signal-schema';
import type { Tip } from '../tips/tip-schema';
import type { TipService } from '../tips/tip-service';
import { createHash } from 'node:crypto';
import { newWorkflowId, randomCrockford } from '../platform/ids';
import { pageWindow, type Page, type PageRequest } from '../platform/paging';

/** What the case workflow needs of the signals (the signal service answers SIGNAL_NOT_FOUND itself). */
export interface CaseSignals {
  get(id: string): Promise<Signal & { rule?: { title: { zh: string; en: string } } }>;
  setState(ids: readonly string[], state: SignalState, caseId?: string): Promise<Signal[]>;
}

export interface CaseService {
  /** Opens a case from tips, signals, flags and certificates (they move to in-case). Audited. */
  create(input: CreateCaseInput, actor: Actor): Promise<Case>;
  /** A case with its events; CASE_NOT_FOUND otherwise. */
  get(id: string): Promise<Case>;
  /** One page of cases, the newest opened first. */
  list(query: { state?: CaseState; assignee?: string } & PageRequest): Promise<Page<Case>>;
  /**
   * One action on an open case (CASE_DECIDED once decided): assign (recusal for declared conflicts),
   * note, evidence, link, unlink, decide. Each appends an event and is audited.
   */
  act(id: string, input: CaseActionInput, actor: Actor): Promise<Case>;
  /** A case as its answers show it: with its attachments and the names of what it holds and who acted. */
  viewOf(c: Case): Promise<CaseView>;
  /**
   * Adds an evidence attachment to an open case: at most MAX_ATTACHMENT_BYTES (ATTACHMENT_TOO_LARGE),
   * not empty (ATTACHMENT_EMPTY), and its bytes a JPEG, PNG, WebP or PDF (INVALID_ATTACHMENT: the type
   * comes from the bytes, never from the name). Appends an `attach` event; audited with the bytes' SHA-256.
   */
  attach(id: string, file: { name: string; data: Buffer }, actor: Actor): Promise<Attachment>;
  /** An attachment of a case with its bytes; CASE_NOT_FOUND, or ATTACHMENT_NOT_FOUND (another case's too). */
  attachment(id: string, attachmentId: string): Promise<{ attachment: Attachment; data: Buffer }>;
}

/** Attempts at a fresh id and reference when the store refuses one as taken. */
const CREATE_ATTEMPTS = 3;

const emptyLinked = (): Linked => ({ publicIds: [], tipIds: [], signalIds: [], flagIds: [] });

/** The items a request names, looked up, and what of them the case does not hold yet. */
interface Gathered {
  /** Ids the case does not hold yet, by kind (certificates the items concern included). */
  added: Linked;
  tips: Tip[];
  flags: Flag[];
  signals: Signal[];
  certificates: PublicCertificate[];
}

/** What names the holders and bodies a case concerns. */
type Concerned = Pick<Gathered, 'tips' | 'signals' | 'certificates'>;

/** `holder:<credit code>` and `body:<body code>`: what a declared conflict of interest names. */
function conflictKeys(g: Concerned): Set<string> {
  const keys = new Set<string>();
  for (const c of g.certificates) {
    keys.add(`holder:${c.holder.creditCode}`);
    if (c.body) keys.add(`body:${c.body.code}`);
  }
  for (const t of g.tips) {
    if (t.bodyCode) keys.add(`body:${t.bodyCode}`);
    if (t.certificate) keys.add(`holder:${t.certificate.holderCreditCode}`);
  }
  for (const s of g.signals) {
    if (s.bodyCode) keys.add(`body:${s.bodyCode}`);
    if (s.subject.kind === 'organisation') keys.add(`holder:${s.subject.key}`);
    if (s.subject.kind === 'body') keys.add(`body:${s.subject.key}`);
  }
  return keys;
}

export function createCaseService(deps: {
  cases: CaseRepository;
  tips: Pick<TipService, 'get' | 'setState' | 'take' | 'release'>;
  flags: Pick<FlagService, 'get' | 'setState'>;
  signals: CaseSignals;
  certificates: Pick<CertificateService, 'getByPublicId' | 'changeStatus'>;
  dishonesty: Pick<DishonestyService, 'create'>;
  inspectors: Pick<InspectorService, 'get'>;
  attachments: AttachmentRepository;
  /** Names of people by the ids cases use (token ids of actors, directory ids of assignees). */
  people: CaseRefSources['people'];
  audit: AuditService;
  /** Milliseconds since the epoch: timestamps and "today" (China) come from it. */
  now?: () => number;
}): CaseService {
  const { cases, tips, flags, signals, certificates, dishonesty, inspectors, attachments, audit } = deps;
  const now = deps.now ?? Date.now;
  // Case writes run one at a time in this process: an item cannot be claimed by two cases at once, nor
  // a case changed by two requests. (Across instances the case's version refuses the second writer.)
  const lock = createKeyedLock();
  const writing = <T>(task: () => Promise<T>) => lock.run('cases', task);

  async function existing(id: string): Promise<Case> {
    const found = await cases.findById(id);
    if (!found) throw new AppError('CASE_NOT_FOUND', 'No case has this id.');
    return found;
  }

  /** The certificate, or undefined when the registry does not have it (an item may name a forged one). */
  async function certificateIfAny(publicId: string): Promise<PublicCertificate | undefined> {
    try {
      return await certificates.getByPublicId(publicId);
    } catch (err) {
      if (isAppError(err) && err.code === 'CERTIFICATE_NOT_FOUND') return undefined;
      throw err;
    }
  }

  /** Refuses an item another case holds: a tip, signal or flag is decided by one case only. */
  function assertFree(kind: string, item: { id: string; state: string; caseId?: string }, caseId: string) {
    if (item.state === 'in-case' && item.caseId !== caseId) {
      throw new AppError('ITEM_IN_OTHER_CASE', `The ${kind} ${item.id} belongs to another case.`, {
        details: { kind, id: item.id, caseId: item.caseId },
      });
    }
  }

  /**
   * Looks up what a request names (TIP_NOT_FOUND, FLAG_NOT_FOUND, SIGNAL_NOT_FOUND, CERTIFICATE_NOT_FOUND,
   * ITEM_IN_OTHER_CASE). The certificates of the flags, tips and signals join the case with them.
   */
  async function gather(caseId: string, request: Partial<Linked>, held: Linked): Promise<Gathered> {
    const found: Gathered = { added: emptyLinked(), tips: [], flags: [], signals: [], certificates: [] };
    const implied: string[] = [];
    for (const id of request.tipIds ?? []) {
      const tip = await tips.get(id);
      assertFree('tip', tip, caseId);
      if (tip.state === 'dismissed') {
        throw new AppError('TIP_NOT_NEW', `The tip ${id} was dismissed: it goes into no case.`, {
          details: { id, state: tip.state },
        });
      }
      found.tips.push(tip);
      if (tip.certificate) implied.push(tip.certificate.publicId);
    }
    for (const id of request.flagIds ?? []) {
      const flag = await flags.get(id);
      assertFree('flag', flag, caseId);
      found.flags.push(flag);
      implied.push(flag.publicId);
    }
    for (const id of request.signalIds ?? []) {
      const signal = await signals.get(id);
      assertFree('signal', signal, caseId);
      found.signals.push(signal);
      implied.push(...signal.certificatePublicIds);
    }
    const seen = new Set<string>();
    for (const publicId of request.publicIds ?? []) {
      seen.add(publicId);
      found.certificates.push(await certificates.getByPublicId(publicId));
    }
    for (const publicId of implied) {
      if (seen.has(publicId)) continue;
      seen.add(publicId);
      const cert = await certificateIfAny(publicId);
      if (cert) found.certificates.push(cert);
    }
    found.added = {
      publicIds: found.certificates.map((c) => c.publicId).filter((id) => !held.publicIds.includes(id)),
      tipIds: idsOf(found.tips).filter((id) => !held.tipIds.includes(id)),
      signalIds: idsOf(found.signals).filter((id) => !held.signalIds.includes(id)),
      flagIds: idsOf(found.flags).filter((id) => !held.flagIds.includes(id)),
    };
    return found;
  }

  /** Everything a case holds that names holders and bodies (its flags' certificates are among its own). */
  async function holdings(c: Case): Promise<Concerned> {
    const certs = await Promise.all(c.publicIds.map(certificateIfAny));
    return {
      tips: await Promise.all(c.tipIds.map((id) => tips.get(id))),
      signals: await Promise.all(c.signalIds.map((id) => signals.get(id))),
      certificates: certs.filter((cert): cert is PublicCertificate => cert !== undefined),
    };
  }

  /**
   * Refuses an assignee who is not in the directory (INSPECTOR_NOT_FOUND), not active (INSPECTOR_INACTIVE),
   * or who declared a conflict of interest with a holder or body of the case (INSPECTOR_CONFLICT: the
   * conflicting entities are named, the declared reasons are not).
   */
  async function assertMayWork(inspectorId: string, g: Concerned) {
    const inspector = await inspectors.get(inspectorId);
    if (!inspector.active) {
      throw new AppError('INSPECTOR_INACTIVE', `The inspector ${inspectorId} is not active.`);
    }
    const keys = conflictKeys(g);
    const conflicts = inspector.conflicts
      .filter((c) => keys.has(`${c.kind}:${c.code}`))
      .map(({ kind, code }) => ({ kind, code }));
    if (conflicts.length > 0) {
      throw new AppError(
        'INSPECTOR_CONFLICT',
        `The inspector ${inspectorId} declared a conflict of interest with ${conflicts
          .map((c) => `${c.kind} ${c.code}`)
          .join(', ')} of this case: assign someone else.`,
        { details: { inspector: inspectorId, conflicts } },
      );
    }
  }

  /** The gathered tips a case has yet to take (compare-and-set, before the case is written). */
  const untaken = (caseId: string, g: Gathered) => idsOf(g.tips.filter((t) => t.caseId !== caseId));

  /** Moves the flags and signals a case took up to in-case (again, if an earlier attempt stopped half-way). */
  async function claim(caseId: string, g: Gathered): Promise<void> {
    await flags.setState(idsOf(g.flags), 'in-case', caseId);
    await signals.setState(idsOf(g.signals), 'in-case', caseId);
  }

  /** Stores the next version of an open case with its event; CASE_DECIDED or CASE_CHANGED when refused. */
  async function write(current: Case, changes: Partial<CaseRecord>, event: CaseEvent): Promise<Case> {
    const { events: _events, ...record } = current;
    const next: CaseRecord = { ...record, ...changes, updatedAt: event.at, version: record.version + 1 };
    const stored = await cases.update(next, event);
    if (stored) return stored;
    const latest = await existing(current.id);
    if (latest.state !== 'open') throw decided(latest);
    throw new AppError('CASE_CHANGED', 'The case was changed meanwhile; read it again and retry.');
  }

  const decided = (c: Case) =>
    new AppError('CASE_DECIDED', `This case was decided (${c.state}); a decided case is final.`, {
      details: { state: c.state },
    });

  const refsOf = createCaseRefs({
    tip: tips.get,
    signal: signals.get,
    flag: flags.get,
    certificate: certificateIfAny,
    people: deps.people,
  });

  function checkedAttachment(data: Buffer) {
    if (data.length === 0) throw new AppError('ATTACHMENT_EMPTY', 'The attachment has no bytes.');
    if (data.length > MAX_ATTACHMENT_BYTES) {
      throw new AppError(
        'ATTACHMENT_TOO_LARGE',
        `An attachment may have at most ${MAX_ATTACHMENT_BYTES} bytes.`,
      );
    }
    const contentType = sniffAttachmentType(data);
    if (!contentType) {
      throw new AppError(
        'INVALID_ATTACHMENT',
        'An attachment is a JPEG, PNG or WebP photo or a PDF document.',
      );
    }
    return contentType;
  }

  const auditCase = (actor: Actor, id: string, action: CaseAction, change: unknown) =>
    audit.record(actor, `case.${action}`, { type: 'case', id }, change);

  async function link(current: Case, input: Partial<Linked>, actor: Actor, at: string): Promise<Case> {
    const g = await gather(current.id, input, current);
    if (current.assignee !== undefined) await assertMayWork(current.assignee, g);
    const merged = Object.fromEntries(
      LINK_KINDS.map((kind) => [kind, [...current[kind], ...g.added[kind]]]),
    ) as Linked;
    const taking = untaken(current.id, g);
    await tips.take(taking, current.id);
    let stored: Case;
    try {
      stored = await write(current, merged, { at, by: byOf(actor), action: 'link', ...g.added });
    } catch (err) {
      await tips.release(taking);
      throw err;
    }
    await claim(current.id, g);
    return stored;
  }

  async function unlink(current: Case, input: Partial<Linked>, actor: Actor, at: string): Promise<Case> {
    for (const kind of LINK_KINDS) {
      const missing = (input[kind] ?? []).find((id) => !current[kind].includes(id));
      if (missing !== undefined) {
        throw new AppError('NOT_IN_CASE', `${missing} is not part of this case.`, {
          details: { kind, id: missing },
        });
      }
    }
    const removed = Object.fromEntries(LINK_KINDS.map((kind) => [kind, input[kind] ?? []])) as Linked;
    const kept = Object.fromEntries(
      LINK_KINDS.map((kind) => [kind, current[kind].filter((id) => !removed[kind].includes(id))]),
    ) as Linked;
    const stored = await write(current, kept, { at, by: byOf(actor), action: 'unlink', ...removed });
    // Back to the queue, to be triaged again.
    await tips.setState(removed.tipIds, 'new', { onlyFrom: 'in-case' });
    await flags.setState(removed.flagIds, 'open');
    await signals.setState(removed.signalIds, 'open');
    return stored;
  }

  async function decide(current: Case, input: DecideInput, actor: Actor, at: string): Promise<Case> {
    const today = todayInChina(Date.parse(at));
    const { statusChange } = input;
    if (statusChange) {
      if (!current.publicIds.includes(statusChange.publicId)) {
        throw new AppError(
          'NOT_IN_CASE',
          `The certificate ${statusChange.publicId} is not part of this case: link it first.`,
          { details: { kind: 'publicIds', id: statusChange.publicId } },
        );
      }
      if (statusChange.date > today) {
        throw new AppError(
          'VALIDATION_FAILED',
          'statusChange.date: the effective date cannot be in the future.',
          {
            details: {
              errors: [{ field: 'statusChange.date', message: 'must not be after today (China date)' }],
            },
          },
        );
      }
    }
    // The orders first: a refused one (an illegal status transition) leaves the case open and unchanged.
    // Should the process stop after them, the case stays open with its orders carried out and audited.
    if (statusChange) {
      const { publicId, status, reason, date } = statusChange;
      const updated = await certificates.changeStatus(publicId, { status, reason, date }, at);
      await audit.record(
        actor,
        'certificate.status',
        { type: 'certificate', id: publicId },
        {
          number: updated.number,
          bodyCode: updated.body?.code,
          status,
          reason,
          date,
          caseRef: current.reference,
        },
      );
    }
    const recordIds: string[] = [];
    for (const { subject, severity } of input.records ?? []) {
      // Records come only with a confirmed outcome, which the schema lets through only with its basis.
      const basis = input.basis ?? missingBasis();
      const record = await dishonesty.create(
        { subject, severity, basis, caseRef: current.reference, facts: input.facts, startDate: today },
        actor,
      );
      recordIds.push(record.id);
    }
    const decision: Decision = {
      outcome: input.outcome,
      basis: input.basis,
      facts: input.facts,
      decidedAt: at,
      decidedBy: byOf(actor),
      statusChange,
      recordIds,
    };
    const stored = await write(
      current,
      { state: input.outcome, decision },
      { at, by: byOf(actor), action: 'decide', outcome: input.outcome },
    );
    if (input.outcome === 'dismissed') {
      // Nothing in them: their queues need not show them again. Flags stay with the case that took them up.
      await tips.setState(current.tipIds, 'dismissed', { onlyFrom: 'in-case' });
      await signals.setState(current.signalIds, 'dismissed');
    }
    return stored;
  }

  return {
    create: (input, actor) =>
      writing(async () => {
        const at = new Date(now()).toISOString();
        for (let attempt = 1; ; attempt += 1) {
          const id = newWorkflowId();
          const g = await gather(id, input, emptyLinked());
          if (input.assignee !== undefined) await assertMayWork(input.assignee, g);
          const record: CaseRecord = {
            id,
            reference: `C-${todayInChina(Date.parse(at)).slice(0, 4)}-${randomCrockford(8)}`,
            title: input.title,
            summary: input.summary,
            state: 'open',
            assignee: input.assignee,
            ...g.added,
            createdAt: at,
            createdBy: byOf(actor),
            updatedAt: at,
            version: 1,
          };
          // The tips first, each a compare-and-set from new: a tip dismissed meanwhile (or taken by
          // another case) stops the case here (TIP_CHANGED); should the case not be written, they go back.
          const taking = untaken(id, g);
          await tips.take(taking, id);
          let stored: Case;
          try {
            stored = await cases.create(record, {
              at,
              by: byOf(actor),
              action: 'create',
              ...g.added,
              assignee: input.assignee,
            });
          } catch (err) {
            if (await cases.findById(id).then(Boolean, () => false)) throw err;
            await tips.release(taking);
            if (attempt < CREATE_ATTEMPTS) continue;
            throw err;
          }
          await claim(id, g);
          await auditCase(actor, id, 'create', stored);
          return stored;
        }
      }),

    get: existing,

    async viewOf(c) {
      const listed = await attachments.listByCase(c.id);
      return { ...c, attachments: listed, refs: await refsOf(c, listed) };
    },

    attach: (id, { name, data }, actor) =>
      writing(async () => {
        const current = await existing(id);
        if (current.state !== 'open') throw decided(current);
        const contentType = checkedAttachment(data);
        const at = new Date(now()).toISOString();
        const attachment: Attachment = {
          id: newWorkflowId(),
          caseId: id,
          name,
          contentType,
          size: data.length,
          sha256: createHash('sha256').update(data).digest('hex'),
          uploadedAt: at,
          uploadedBy: byOf(actor),
        };
        // The bytes first: an event never names an attachment that is not stored.
        await attachments.create(attachment, data);
        await write(
          current,
          {},
          {
            at,
            by: byOf(actor),
            action: 'attach',
            attachmentId: attachment.id,
            name,
            contentType,
            size: data.length,
          },
        );
        const { uploadedBy: _by, ...change } = attachment;
        await auditCase(actor, id, 'attach', change);
        return attachment;
      }),

    async attachment(id, attachmentId) {
      await existing(id);
      const found = await attachments.find(id, attachmentId);
      if (!found) throw new AppError('ATTACHMENT_NOT_FOUND', 'This case has no such attachment.');
      return found;
    },

    async list({ state, assignee, page, pageSize }) {
      const { items, total } = await cases.list({ state, assignee }, pageWindow({ page, pageSize }));
      return { items, total, page, pageSize };
    },

    act: (id, input, actor) =>
      writing(async () => {
        const current = await existing(id);
        if (current.state !== 'open') throw decided(current);
        const at = new Date(now()).toISOString();
        const by = byOf(actor);
        let stored: Case;
        switch (input.action) {
          case 'assign':
            await assertMayWork(input.assignee, await holdings(current));
            stored = await write(
              current,
              { assignee: input.assignee },
              { at, by, action: 'assign', assignee: input.assignee, previous: current.assignee },
            );
            break;
          case 'note':
            stored = await write(current, {}, { at, by, action: 'note', text: input.text });
            break;
          case 'evidence':
            stored = await write(
              current,
              {},
              { at, by, action: 'evidence', description: input.description, reference: input.reference },
            );
            break;
          case 'link':
            stored = await link(current, input, actor, at);
            break;
          case 'unlink':
            stored = await unlink(current, input, actor, at);
            break;
          case 'decide':
            stored = await decide(current, input, actor, at);
            break;
        }
        const event = stored.events[stored.events.length - 1];
        await auditCase(actor, id, input.action, input.action === 'decide' ? stored.decision : event);
        return stored;
      }),
  };
}

function missingBasis(): never {
  throw new AppError('VALIDATION_FAILED', 'basis: a confirmed case states its legal basis.');
}

const idsOf = (items: readonly { id: string }[]) => items.map((item) => item.id);

/** Who did it, as events name it: the token id. */
const byOf = (actor: Actor): string => actor.id ?? actor.type;
