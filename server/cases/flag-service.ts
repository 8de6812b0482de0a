import type { Actor } from '../audit/audit-schema';
import type { AuditService } from '../audit/audit-service';
import type { CertificateService } from '../certificates/certificate-service';
import { AppError } from '../platform/errors';
import type { FlagRepository } from './flag-repository';
import type { CreateFlagInput, Flag, FlagState } from './flag-schema';
import { newWorkflowId } from '../platform/ids';
import { pageWindow, type Page, type PageRequest } from '../platform/paging';

export interface FlagService {
  /** Flags a certificate of the registry (CERTIFICATE_NOT_FOUND otherwise). Audited. */
  create(input: CreateFlagInput, actor: Actor): Promise<Flag>;
  /** A flag; FLAG_NOT_FOUND otherwise. */
  get(id: string): Promise<Flag>;
  /** One page of flags, newest first. */
  list(query: { state?: FlagState } & PageRequest): Promise<Page<Flag>>;
  /** Moves flags to a state (the case workflow): `caseId` with `in-case`. */
  setState(ids: readonly string[], state: FlagState, caseId?: string): Promise<Flag[]>;
}

export function createFlagService(deps: {
  flags: FlagRepository;
  certificates: Pick<CertificateService, 'getByPublicId'>;
  audit: AuditService;
  /** Milliseconds since the epoch. */
  now?: () => number;
}): FlagService {
  const { flags, certificates, audit } = deps;
  const now = deps.now ?? Date.now;

  return {
    async create(input, actor) {
      // Only a certificate of the registry can be flagged: one that is not is a tip's matter.
      await certificates.getByPublicId(input.publicId);
      const flag = await flags.create({
        id: newWorkflowId(),
        publicId: input.publicId,
        reason: input.reason,
        createdBy: actor.id ?? actor.type,
        createdAt: new Date(now()).toISOString(),
        state: 'open',
      });
      await audit.record(actor, 'flag.create', { type: 'flag', id: flag.id }, flag);
      return flag;
    },

    async get(id) {
      const flag = await flags.findById(id);
      if (!flag) throw new AppError('FLAG_NOT_FOUND', 'No flag has this id.');
      return flag;
    },

    async list({ state, page, pageSize }) {
      const { items, total } = await flags.list({ state }, pageWindow({ page, pageSize }));
      return { items, total, page, pageSize };
    },

    setState: (ids, state, caseId) => flags.setState(ids, state, caseId),
  };
}
