/**
 * The rows of each open dataset, read from the stores as the public pages show them and nothing more:
 * the registry as the result page (/v/:publicId) shows a certificate, minus its public id (which would let
 * anyone enumerate the result pages); bodies as their public answer; the dishonesty list as /dishonesty
 * shows it; each executed draw's targets with their published inspection outcome. No internal ids, no
 * tip contacts, no token ids, no network hashes: none of them is ever read here.
 */
import type { BodyService } from '../bodies/body-service';
import { toPublicBody } from '../bodies/body-schema';
import type { CertificateRepository } from '../certificates/certificate-repository';
import { effectiveStatus } from '../certificates/certificate-status';
import type { DishonestyService } from '../dishonesty/dishonesty-service';
import { MAX_LIST_PAGE_SIZE } from '../dishonesty/dishonesty-service';
import type { DrawService } from '../draws/draw-service';
import { todayInChina } from '../platform/china-time';
import { findScheme } from '../schemes/schemes';
import type { DatasetName } from './opendata-schema';

export type Cell = string | number | undefined;
export type DatasetRow = Record<string, Cell>;

export interface DatasetSource {
  name: DatasetName;
  /** The columns, in CSV order; an NDJSON row has these keys (an empty cell's key left out). */
  columns: readonly string[];
  rows(): AsyncIterable<DatasetRow>;
}

/**
 * Certificates read per page: big enough to amortise a read, small enough that one page (read and
 * written out) holds the event loop that answers lookups for only a few milliseconds.
 */
export const REGISTRY_PAGE = 250;

/** Gives way to other work (lookups) between pages: the embedded registry answers synchronously. */
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface DatasetDeps {
  certificates: Pick<CertificateRepository, 'pageByPublicId'>;
  bodies: Pick<BodyService, 'list'>;
  dishonesty: Pick<DishonestyService, 'listPublic'>;
  draws: Pick<DrawService, 'list' | 'get'>;
  now?: () => number;
}

export function datasetSources(deps: DatasetDeps): DatasetSource[] {
  const now = deps.now ?? Date.now;
  return [
    {
      name: 'registry',
      columns: [
        'number',
        'holderName',
        'scheme',
        'schemeName',
        'scope',
        'status',
        'statusDate',
        'statusReason',
        'issueDate',
        'expiryDate',
        'bodyCode',
        'bodyName',
      ],
      async *rows() {
        const today = todayInChina(now());
        const bodyNames = new Map((await deps.bodies.list()).map((b) => [b.code, b.name]));
        let after: string | undefined;
        for (;;) {
          const page = await deps.certificates.pageByPublicId(after, REGISTRY_PAGE);
          for (const cert of page) {
            const status = effectiveStatus(cert, today);
            yield {
              number: cert.number,
              holderName: cert.holder.name,
              scheme: cert.scheme,
              schemeName: findScheme(cert.scheme)?.zh ?? cert.scheme,
              scope: cert.scope,
              status: status.status,
              statusDate: status.status === 'valid' ? undefined : status.date,
              statusReason: status.status === 'valid' ? undefined : status.reason,
              issueDate: cert.issueDate,
              expiryDate: cert.expiryDate,
              bodyCode: cert.bodyCode,
              bodyName: bodyNames.get(cert.bodyCode),
            };
          }
          if (page.length < REGISTRY_PAGE) return;
          after = page[page.length - 1]?.publicId;
          await yieldToOthers();
        }
      },
    },
    {
      name: 'bodies',
      columns: [
        'code',
        'name',
        'nameEn',
        'approvalNumber',
        'approvalStatus',
        'approvalStatusDate',
        'lastReportedAt',
        'website',
        'phone',
      ],
      async *rows() {
        const bodies = (await deps.bodies.list()).map(toPublicBody);
        bodies.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
        for (const b of bodies) yield { ...b };
      },
    },
    {
      name: 'dishonesty',
      columns: [
        'subjectKind',
        'subjectName',
        'creditCode',
        'bodyCode',
        'severity',
        'startDate',
        'basis',
        'facts',
        'caseRef',
        'earliestRepairDate',
        'repairNoticeStart',
        'repairNoticeEnd',
        'auditLogSeq',
      ],
      async *rows() {
        for (let page = 1; ; page += 1) {
          const list = await deps.dishonesty.listPublic({ page, pageSize: MAX_LIST_PAGE_SIZE });
          for (const r of list.items) {
            yield {
              subjectKind: r.subject.kind,
              subjectName: r.subject.name,
              creditCode: r.subject.creditCode,
              bodyCode: r.subject.bodyCode,
              severity: r.severity,
              startDate: r.startDate,
              basis: r.basis,
              facts: r.facts,
              caseRef: r.caseRef,
              earliestRepairDate: r.earliestRepairDate,
              repairNoticeStart: r.repairNotice?.noticeStartDate,
              repairNoticeEnd: r.repairNotice?.noticeEndDate,
              auditLogSeq: r.logEntry?.seq,
            };
          }
          if (page * MAX_LIST_PAGE_SIZE >= list.total || list.items.length === 0) return;
        }
      },
    },
    {
      name: 'draw-results',
      columns: [
        'drawId',
        'drawTitle',
        'executedAt',
        'planHash',
        'targetId',
        'targetName',
        'tier',
        'inspectors',
        'outcome',
        'summary',
        'inspectedOn',
      ],
      async *rows() {
        const PAGE = 100;
        for (let page = 1; ; page += 1) {
          const list = await deps.draws.list(page, PAGE);
          for (const summary of list.items) {
            if (summary.state !== 'executed') continue;
            const draw = await deps.draws.get(summary.id);
            const names = new Map(draw.snapshot.inspectors.map((i) => [i.id, i.name]));
            // A later result for a target supersedes an earlier one (both stay on the draw's page).
            const latest = new Map(draw.results.map((r) => [r.targetId, r]));
            for (const target of draw.execution?.targets ?? []) {
              const result = latest.get(target.id);
              yield {
                drawId: draw.id,
                drawTitle: draw.title,
                executedAt: draw.execution?.executedAt,
                planHash: draw.planHash,
                targetId: target.id,
                targetName: target.name,
                tier: target.tier,
                inspectors: target.inspectorIds.map((id) => names.get(id) ?? '').join('、'),
                outcome: result?.outcome,
                summary: result?.summary,
                inspectedOn: result?.inspectedOn,
              };
            }
          }
          if (page * PAGE >= list.total || list.items.length === 0) return;
        }
      },
    },
  ];
}
