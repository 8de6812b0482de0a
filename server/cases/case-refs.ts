/**
 * What a person reads instead of the ids a case holds: each tip's reference, each certificate's number
 * and holder, each signal's rule and subject, each flag's certificate, and the names of the inspectors
 * who acted (event authors are token ids, named through the inspector the token is linked to; assignees
 * directory ids). Resolved on the server in one answer,
 * so that the console never asks once per id.
 */
import { isAppError } from '../platform/errors';
import type { Attachment } from './attachment-schema';
import type { Case, CaseRefs, PersonRef } from './case-schema';

/** The look-ups the names come from; each answers undefined (or throws a *_NOT_FOUND) for an unknown id. */
export interface CaseRefSources {
  tip(id: string): Promise<{ reference: string }>;
  signal(id: string): Promise<{
    ruleId: string;
    rule?: { title: { zh: string; en: string } };
    subject: { key: string; label?: string };
  }>;
  flag(id: string): Promise<{ publicId: string }>;
  certificate(
    publicId: string,
  ): Promise<
    { number: string; holder: { name: string }; body?: { code: string; name: string } | null } | undefined
  >;
  /**
   * Names of people by the ids events and cases name them with (token ids and directory ids): a token
   * by its linked inspector, else by its label (`fromLabel`).
   */
  people(ids: readonly string[]): Promise<Record<string, PersonRef>>;
}

/** Every id a case and its events name, by kind (items since unlinked included: its log shows them). */
function idsOf(c: Case, attachments: readonly Attachment[]) {
  const tips = new Set(c.tipIds);
  const signals = new Set(c.signalIds);
  const flags = new Set(c.flagIds);
  const certificates = new Set(c.publicIds);
  const people = new Set<string>([c.createdBy]);
  if (c.assignee) people.add(c.assignee);
  if (c.decision) people.add(c.decision.decidedBy);
  if (c.decision?.statusChange) certificates.add(c.decision.statusChange.publicId);
  for (const a of attachments) people.add(a.uploadedBy);
  for (const e of c.events) {
    people.add(e.by);
    if (e.action === 'assign') {
      people.add(e.assignee);
      if (e.previous) people.add(e.previous);
    }
    if (e.action === 'create' && e.assignee) people.add(e.assignee);
    if (e.action === 'create' || e.action === 'link' || e.action === 'unlink') {
      e.tipIds.forEach((id) => tips.add(id));
      e.signalIds.forEach((id) => signals.add(id));
      e.flagIds.forEach((id) => flags.add(id));
      e.publicIds.forEach((id) => certificates.add(id));
    }
  }
  return { tips, signals, flags, certificates, people };
}

/** Undefined for an item that is gone (or never was): the console then shows what it has. */
async function orNone<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (isAppError(err) && err.status === 404) return undefined;
    throw err;
  }
}

async function resolveAll<T, R>(
  ids: Iterable<string>,
  read: (id: string) => Promise<T | undefined>,
  shape: (found: T) => R,
): Promise<Record<string, R>> {
  const list = [...ids];
  const found = await Promise.all(list.map((id) => orNone(() => read(id))));
  const out: Record<string, R> = {};
  list.forEach((id, i) => {
    const value = found[i];
    if (value !== undefined) out[id] = shape(value);
  });
  return out;
}

/** The names of what a case holds and of who worked it. */
export function createCaseRefs(sources: CaseRefSources) {
  return async function refsOf(c: Case, attachments: readonly Attachment[]): Promise<CaseRefs> {
    const ids = idsOf(c, attachments);
    const flags = await resolveAll(ids.flags, sources.flag, (f) => ({ publicId: f.publicId }));
    for (const f of Object.values(flags)) ids.certificates.add(f.publicId);
    const [tips, signals, certificates, people] = await Promise.all([
      resolveAll(ids.tips, sources.tip, (t) => ({ reference: t.reference })),
      resolveAll(ids.signals, sources.signal, (s) => ({
        ruleId: s.ruleId,
        title: s.rule?.title,
        label: s.subject.label ?? s.subject.key,
      })),
      resolveAll(ids.certificates, sources.certificate, (cert) => ({
        number: cert.number,
        holderName: cert.holder.name,
        bodyCode: cert.body?.code,
        bodyName: cert.body?.name,
      })),
      sources.people([...ids.people]),
    ]);
    return { tips, signals, flags, certificates, people };
  };
}
