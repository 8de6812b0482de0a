import { SYSTEM_ACTOR, type Actor } from '../audit/audit-schema';
import type { AuditService } from '../audit/audit-service';
import type { PublicCertificate } from '../certificates/certificate-schema';
import type { CertificateService } from '../certificates/certificate-service';
import { todayInChina } from '../platform/china-time';
import { AppError, isAppError } from '../platform/errors';
import type { QrService } from '../qr/qr-service';
import { networkHash } from '../qr/scan-recorder';
import { decodePhoto } from './tip-photo';
import type { TipMove, TipRepository } from './tip-repository';
import {
  normalizeTipReference,
  type SubmitTipInput,
  type Tip,
  type TipCertificate,
  type TipReceipt,
  type TipState,
  type TipStatus,
} from './tip-schema';
import { newWorkflowId, randomCrockford } from '../platform/ids';
import { pageWindow, type Page, type PageRequest } from '../platform/paging';

export interface TipService {
  /**
   * Receives a public tip: checks the photo, resolves the certificate (from the public id, the scanned
   * text or the number), stores the tip with a keyed hash of the client's network (never the address)
   * and answers only its reference and time. Audited without contact data or description.
   */
  submit(input: SubmitTipInput, context: { clientAddress: string | undefined }): Promise<TipReceipt>;
  /**
   * What anyone holding a tip's reference may know: its state (received, under review, closed) and its
   * dates, nothing else. INVALID_TIP_REFERENCE when the text cannot be a reference, and
   * TIP_REFERENCE_NOT_FOUND for any well-formed one no tip has (whatever its date part says).
   */
  status(reference: string): Promise<TipStatus>;
  /** A tip, contact included (inspectors and admins only); TIP_NOT_FOUND otherwise. */
  get(id: string): Promise<Tip>;
  /** One page of tips, newest first. */
  list(query: { state?: TipState } & PageRequest): Promise<Page<Tip>>;
  /** The photo of a tip; TIP_NOT_FOUND or TIP_PHOTO_NOT_FOUND. */
  photo(id: string): Promise<{ contentType: string; data: Buffer }>;
  /**
   * An inspector dismisses a new tip with a reason: nothing in it to take up (audited as `tip.dismiss`,
   * the reason with it). A tip in a case is the case's to decide, and one dismissed already stays so:
   * TIP_NOT_NEW, also when another inspector's dismissal or case took it first (compare-and-set).
   */
  dismiss(id: string, reason: string, actor: Actor): Promise<Tip>;
  /**
   * Takes new tips into a case, each a compare-and-set from `new`: all or none. When one is no longer
   * new (dismissed, or taken by another case since it was read), those taken are put back and the
   * answer is TIP_CHANGED, naming the tip and its state now.
   */
  take(ids: readonly string[], caseId: string): Promise<Tip[]>;
  /** Puts back to `new` the tips a case took, when the case could not be written (only those in a case). */
  release(ids: readonly string[]): Promise<void>;
  /** Moves tips to a state (the case workflow): `caseId` with `in-case`; `onlyFrom` as a compare-and-set. */
  setState(ids: readonly string[], state: TipState, move?: TipMove): Promise<Tip[]>;
}

const idsOf = (items: readonly { id: string }[]) => items.map((item) => item.id);

/** Attempts at a fresh id and reference when the store refuses one as taken (40 random bits a day: rare). */
const CREATE_ATTEMPTS = 3;

/** The China date (YYYY-MM-DD) of an ISO timestamp. */
function chinaDate(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
}

function snapshot(cert: PublicCertificate): TipCertificate {
  return {
    publicId: cert.publicId,
    number: cert.number,
    bodyCode: cert.body?.code,
    holderName: cert.holder.name,
    holderCreditCode: cert.holder.creditCode,
    status: cert.status,
  };
}

export function createTipService(deps: {
  tips: TipRepository;
  qr: Pick<QrService, 'verify'>;
  certificates: Pick<CertificateService, 'getByPublicId' | 'findByNumber'>;
  audit: AuditService;
  /** Secret of the keyed network hash (the scan recorder's, so one network has one hash everywhere). */
  networkSecret: Buffer;
  /** Milliseconds since the epoch. */
  now?: () => number;
  /** When a case was decided, if it was (the public state of its tips): wired to the case store. */
  caseDecision?: (caseId: string) => Promise<{ decidedAt: string } | undefined>;
}): TipService {
  const { tips, qr, certificates, audit, networkSecret } = deps;
  const now = deps.now ?? Date.now;

  /** The registry's certificate the tip names, if it names one the registry has. */
  async function resolve(
    input: SubmitTipInput,
    scanned?: PublicCertificate,
  ): Promise<PublicCertificate | undefined> {
    if (input.publicId !== undefined) {
      try {
        return await certificates.getByPublicId(input.publicId);
      } catch (err) {
        // A forged certificate's id is in no registry: that is what the tip may be about.
        if (isAppError(err) && err.code === 'CERTIFICATE_NOT_FOUND') return undefined;
        throw err;
      }
    }
    if (scanned) return scanned;
    if (input.certificateNumber !== undefined) {
      const found = await certificates.findByNumber(input.certificateNumber, input.bodyCode);
      // One match only: a number two bodies issued names neither for sure.
      return found.items.length === 1 ? found.items[0] : undefined;
    }
    return undefined;
  }

  return {
    async submit(input, { clientAddress }) {
      const photo = input.photo ? decodePhoto(input.photo) : undefined;
      const scanned = input.scanText;
      const scan = scanned === undefined ? undefined : { text: scanned, answer: await qr.verify(scanned) };
      const certificate = await resolve(input, scan?.answer.certificate);
      const at = now();
      const receivedAt = new Date(at).toISOString();
      const draft: Omit<Tip, 'id' | 'reference'> = {
        category: input.category,
        publicId: input.publicId ?? certificate?.publicId ?? scan?.answer.publicId,
        certificateNumber: input.certificateNumber ?? certificate?.number,
        bodyCode: input.bodyCode ?? certificate?.body?.code,
        scan: scan && { verdict: scan.answer.verdict, text: scan.text },
        certificate: certificate ? snapshot(certificate) : undefined,
        description: input.description,
        place: input.place,
        contact: input.contact,
        hasPhoto: photo !== undefined,
        state: 'new',
        receivedAt,
        networkHash: networkHash(networkSecret, clientAddress),
      };
      const day = todayInChina(at).replace(/-/g, '');
      for (let attempt = 1; ; attempt += 1) {
        const tip: Tip = { id: newWorkflowId(), reference: `T-${day}-${randomCrockford(8)}`, ...draft };
        try {
          await tips.create(tip, photo);
        } catch (err) {
          if (attempt < CREATE_ATTEMPTS && (await tips.findById(tip.id)) === undefined) continue;
          throw err;
        }
        // What the reporter wrote stays out of the audit log: it may name people.
        await audit.record(
          SYSTEM_ACTOR,
          'tip.submit',
          { type: 'tip', id: tip.id },
          {
            reference: tip.reference,
            category: tip.category,
            publicId: tip.publicId,
            verdict: tip.scan?.verdict,
            hasPhoto: tip.hasPhoto,
          },
        );
        return { reference: tip.reference, receivedAt };
      }
    },

    async status(raw) {
      const reference = normalizeTipReference(raw);
      if (!reference) {
        throw new AppError(
          'INVALID_TIP_REFERENCE',
          'A reference reads T-, the date, -, and 8 letters and digits.',
        );
      }
      const tip = await tips.findByReference(reference);
      if (!tip) throw new AppError('TIP_REFERENCE_NOT_FOUND', 'No report has this reference.');
      const receivedOn = chinaDate(tip.receivedAt);
      if (tip.state === 'new') return { reference, state: 'received', receivedOn };
      // A tip stays `in-case` when its case is confirmed: the case's decision is what closes it.
      const decision = tip.caseId && deps.caseDecision ? await deps.caseDecision(tip.caseId) : undefined;
      const closedOn = decision ? chinaDate(decision.decidedAt) : undefined;
      if (tip.state === 'in-case' && !decision) return { reference, state: 'under-review', receivedOn };
      return closedOn
        ? { reference, state: 'closed', receivedOn, closedOn }
        : { reference, state: 'closed', receivedOn };
    },

    async get(id) {
      const tip = await tips.findById(id);
      if (!tip) throw new AppError('TIP_NOT_FOUND', 'No tip has this id.');
      return tip;
    },

    async list({ state, page, pageSize }) {
      const { items, total } = await tips.list({ state }, pageWindow({ page, pageSize }));
      return { items, total, page, pageSize };
    },

    async photo(id) {
      const tip = await tips.findById(id);
      if (!tip) throw new AppError('TIP_NOT_FOUND', 'No tip has this id.');
      const photo = tip.hasPhoto ? await tips.findPhoto(id) : undefined;
      if (!photo) throw new AppError('TIP_PHOTO_NOT_FOUND', 'This tip has no photo.');
      return photo;
    },

    async dismiss(id, reason, actor) {
      const tip = await tips.findById(id);
      if (!tip) throw new AppError('TIP_NOT_FOUND', 'No tip has this id.');
      if (tip.state !== 'new') {
        throw new AppError('TIP_NOT_NEW', `This tip is ${tip.state}: only a new tip can be dismissed.`, {
          details: { state: tip.state },
        });
      }
      const [moved] = await tips.setState([id], 'dismissed', { onlyFrom: 'new' });
      if (!moved) {
        // Another dismissal or a case took it between the read and this write: that one stands.
        const latest = await tips.findById(id);
        throw new AppError('TIP_NOT_NEW', 'This tip changed meanwhile: only a new tip can be dismissed.', {
          details: { state: latest?.state },
        });
      }
      await audit.record(
        actor,
        'tip.dismiss',
        { type: 'tip', id },
        { reference: tip.reference, from: 'new', to: 'dismissed', reason },
      );
      return moved;
    },

    async take(ids, caseId) {
      const unique = [...new Set(ids)];
      const taken = await tips.setState(unique, 'in-case', { caseId, onlyFrom: 'new' });
      if (taken.length === unique.length) return taken;
      await tips.setState(idsOf(taken), 'new', { onlyFrom: 'in-case' });
      const missed = unique.find((id) => !taken.some((t) => t.id === id)) as string;
      const latest = await tips.findById(missed);
      throw new AppError('TIP_CHANGED', `The tip ${missed} changed while the case was being written.`, {
        details: { id: missed, state: latest?.state },
      });
    },

    async release(ids) {
      await tips.setState(ids, 'new', { onlyFrom: 'in-case' });
    },

    setState: (ids, state, move) => tips.setState(ids, state, move),
  };
}
