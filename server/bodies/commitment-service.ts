import { actorOf, type AuditService } from '../audit/audit-service';
import type { Principal } from '../platform/auth';
import { AppError } from '../platform/errors';
import type { CommitmentRepository } from './commitment-repository';
import type { Commitment, SubmitCommitment } from './commitment-schema';

/** How many versions a history shows at most. */
export const COMMITMENT_HISTORY_LIMIT = 50;
/** How many times a submission takes the next number when another took its number first. */
const VERSION_ATTEMPTS = 5;

export interface CommitmentService {
  /**
   * Stores the body's new commitment as its next version (audited as `body.commitment`). A version
   * another submission took meanwhile is retried with the next number.
   */
  submit(bodyCode: string, input: SubmitCommitment, principal: Principal): Promise<Commitment>;
  /** The commitment in force (the latest version), or undefined. */
  latest(bodyCode: string): Promise<Commitment | undefined>;
  /** Every version, newest first (COMMITMENT_HISTORY_LIMIT at most). */
  history(bodyCode: string): Promise<Commitment[]>;
}

export function createCommitmentService(deps: {
  commitments: CommitmentRepository;
  audit: Pick<AuditService, 'record'>;
  now?: () => number;
}): CommitmentService {
  const { commitments, audit } = deps;
  const now = deps.now ?? Date.now;
  return {
    async submit(bodyCode, input, principal) {
      for (let attempt = 0; attempt < VERSION_ATTEMPTS; attempt += 1) {
        const version = ((await commitments.latest(bodyCode))?.version ?? 0) + 1;
        const commitment: Commitment = {
          bodyCode,
          version,
          text: input.text,
          dated: input.dated,
          submittedAt: new Date(now()).toISOString(),
        };
        const stored = await commitments.add(commitment);
        if (!stored) continue;
        await audit.record(
          actorOf(principal),
          'body.commitment',
          { type: 'body', id: bodyCode },
          { version, dated: input.dated, text: input.text },
        );
        return stored;
      }
      throw new AppError('SERVICE_UNAVAILABLE', 'Too many commitments submitted at once; try again.');
    },
    latest: (bodyCode) => commitments.latest(bodyCode),
    history: (bodyCode) => commitments.history(bodyCode, COMMITMENT_HISTORY_LIMIT),
  };
}
