import type { RefusedRow } from '../../uploads/upload-rows';
import type { SignalDraft } from '../signal-schema';
import type { UploadRule } from './rule';

const ID = 'out-of-scope-attempt';

/** Rows kept as evidence per signal and raise: the newest batch's first rows, enough to act on. */
export const MAX_EVIDENCE_ROWS = 50;

type Kind = RefusedRow['kinds'][number];

/** What each kind of attempt is, in DOMAIN's words. */
const PATTERN: Record<Kind, { severity: SignalDraft['severity']; pattern: string; what: string }> = {
  scheme: { severity: 'high', pattern: '超范围认证', what: 'schemes outside its approved scope' },
  'industry-codes': {
    severity: 'medium',
    pattern: '超范围认证',
    what: 'industry codes outside its approved scope',
  },
  approval: {
    severity: 'high',
    pattern: '假机构',
    what: 'certificates dated while its approval was suspended or withdrawn',
  },
};

/**
 * A body trying to report certificates it may not issue: rows an upload refused (ROW_OUT_OF_SCOPE) for a
 * scheme or industry codes outside the body's approved scope (超范围认证), or issued while its approval
 * was suspended or withdrawn (假机构). The rows stay refused; the attempt is kept for inspectors. One
 * signal per body and kind, raised again by every batch that tries (occurrences count the batches), its
 * evidence the newest batch's rows. Scheme and approval: high; industry codes (a matter of mapping): medium.
 */
export const outOfScopeAttemptRule: UploadRule = {
  id: ID,
  trigger: 'upload',
  title: { zh: '机构上报超范围或未获批准期间的证书被拒', en: 'Body reported certificates outside its scope' },
  async evaluate(batch) {
    const refused = batch.refused ?? [];
    const drafts: SignalDraft[] = [];
    for (const kind of Object.keys(PATTERN) as Kind[]) {
      const rows = refused.filter((r) => r.kinds.includes(kind));
      if (rows.length === 0) continue;
      const { severity, pattern, what } = PATTERN[kind];
      const kept = rows.slice(0, MAX_EVIDENCE_ROWS);
      drafts.push({
        ruleId: ID,
        severity,
        subject: { kind: 'body', key: batch.bodyCode },
        dedupKey: `${ID}:${batch.bodyCode}:${kind}`,
        summary: `${batch.bodyCode} tried to report ${rows.length} ${what} (${pattern}); the rows were refused${batch.jobId ? ` (upload ${batch.jobId})` : ''}.`,
        evidence: {
          kind,
          pattern,
          ...(batch.jobId ? { jobId: batch.jobId } : {}),
          at: batch.at,
          rowsRefused: rows.length,
          rows: kept.map((r) => ({
            row: r.row,
            number: r.number,
            scheme: r.scheme,
            industryCodes: r.industryCodes,
            issueDate: r.issueDate,
            holder: r.holder,
          })),
          rowsLeftOut: rows.length - kept.length,
        },
        certificatePublicIds: [],
        bodyCode: batch.bodyCode,
      });
    }
    return drafts;
  },
};
