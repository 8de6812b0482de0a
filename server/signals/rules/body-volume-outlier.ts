import type { AuditVolume } from '../../certificates/certificate-repository';
import { todayInChina } from '../../platform/china-time';
import type { UploadRule } from './rule';

const ID = 'body-volume-outlier';

export interface VolumeOutlierOptions {
  /** How many times the peers' median a body's certificates per auditor-day must exceed. */
  factor?: number;
  /** Certificates whose audit names its team, over the period, a body needs to be judged or to count as a peer. */
  minCertificates?: number;
  /** Peers needed for a median worth comparing with. */
  minPeers?: number;
}

const perAuditorDay = (v: AuditVolume) => v.staffed / v.auditorDays;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));

/** The month `n` months after `month` (YYYY-MM; n may be negative). */
function addMonths(month: string, n: number): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (m - 1) + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Months compared: this one and the eleven before it. */
const PERIOD_MONTHS = 12;

/**
 * A body issuing far more certificates per auditor-day than its peers (DOMAIN: 买证卖证, "volume per
 * auditor-day far above peers"): over this month and the eleven before, its certificates whose audit names
 * its team, divided by their auditor-days (team members × audit days, from the audit data, not the man-days
 * the body reports), against the median of the other bodies with enough volume. Judged when the body
 * stores certificates. The figures come from the store's running tally (RuleContext.auditVolumes), read for
 * each batch: the batches stored before count, on every instance. High past twice the factor. One signal
 * per body and month, updated as it goes on.
 */
export function createBodyVolumeOutlierRule(options: VolumeOutlierOptions = {}): UploadRule {
  const factor = options.factor ?? 3;
  const minCertificates = options.minCertificates ?? 30;
  const minPeers = options.minPeers ?? 3;
  const judged = (v: AuditVolume) => v.staffed >= minCertificates && v.auditorDays > 0;

  return {
    id: ID,
    trigger: 'upload',
    title: {
      zh: '机构单位审核员日发证量远超同行',
      en: 'Body’s certificates per auditor-day far above peers',
    },
    async evaluate(batch, context) {
      if (!batch.certificates.some((c) => c.audit && c.audit.auditors.length > 0)) return [];
      const toMonth = todayInChina(Date.parse(context.now)).slice(0, 7);
      const fromMonth = addMonths(toMonth, 1 - PERIOD_MONTHS);
      const volumes = await context.auditVolumes(fromMonth, toMonth);
      const own = volumes.find((v) => v.bodyCode === batch.bodyCode);
      const peers = volumes.filter((v) => v.bodyCode !== batch.bodyCode && judged(v)).map(perAuditorDay);
      if (!own || !judged(own) || peers.length < minPeers) return [];
      const peerMedian = median(peers);
      const ratio = perAuditorDay(own);
      if (ratio <= factor * peerMedian) return [];
      return [
        {
          ruleId: ID,
          severity: ratio > 2 * factor * peerMedian ? 'high' : 'medium',
          subject: { kind: 'body', key: batch.bodyCode },
          dedupKey: `${ID}:${batch.bodyCode}:${toMonth}`,
          summary: `${batch.bodyCode} issued ${own.staffed} certificates on ${round(own.auditorDays, 1)} auditor-days (team members × audit days) from ${fromMonth} to ${toMonth}: ${round(ratio, 3)} per auditor-day, ${round(ratio / peerMedian, 1)} times the median of ${peers.length} peers (${round(peerMedian, 3)}).`,
          evidence: {
            period: { fromMonth, toMonth },
            certificates: own.staffed,
            auditorDays: round(own.auditorDays, 2),
            reportedManDays: round(own.manDays, 2),
            certificatesPerAuditorDay: round(ratio, 4),
            peerMedian: round(peerMedian, 4),
            peers: peers.length,
            timesMedian: round(ratio / peerMedian, 2),
            factor,
          },
          certificatePublicIds: [],
          bodyCode: batch.bodyCode,
        },
      ];
    },
  };
}

export const bodyVolumeOutlierRule = createBodyVolumeOutlierRule();
