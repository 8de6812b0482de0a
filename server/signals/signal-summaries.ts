/**
 * A signal's sentence in Chinese and English, written from its stored data (rule, subject, evidence) when
 * it is read, so that every signal, however old, reads in either language. A signal whose evidence a
 * renderer does not know (a rule since changed or removed) falls back on its rule title and the English
 * summary it was stored with.
 */
import type { Signal } from './signal-schema';

export interface SignalText {
  zh: string;
  en: string;
}

type Evidence = Record<string, unknown>;

/** A field of the evidence as text; undefined when absent, so that a renderer can give up. */
function at(evidence: Evidence, path: string): string | undefined {
  let value: unknown = evidence;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.join(', ');
  return undefined;
}

/** Every named field, or undefined when one is missing. */
function fields<K extends string>(
  evidence: Evidence,
  paths: Record<K, string>,
): Record<K, string> | undefined {
  const out = {} as Record<K, string>;
  for (const [name, path] of Object.entries(paths) as [K, string][]) {
    const value = at(evidence, path);
    if (value === undefined) return undefined;
    out[name] = value;
  }
  return out;
}

const AUDIT_TYPE_ZH: Record<string, string> = {
  initial: '初次认证',
  surveillance: '监督',
  recertification: '再认证',
};
const STATUS_ZH: Record<string, string> = {
  suspended: '暂停',
  revoked: '撤销',
  withdrawn: '注销',
  expired: '过期',
};
const KIND_ZH: Record<string, string> = {
  scheme: '超出批准范围的认证领域',
  'industry-codes': '超出批准范围的专业代码',
  approval: '批准被暂停或撤销期间的证书',
};

type Renderer = (signal: Signal, e: Evidence) => SignalText | undefined;

const RENDERERS: Record<string, Renderer> = {
  'issued-before-audit-end': (_s, e) => {
    const f = fields(e, {
      n: 'certificateNumber',
      issued: 'issueDate',
      end: 'auditEndDate',
      d: 'daysIssuedBeforeAuditEnd',
    });
    if (!f) return undefined;
    const d = Number(f.d);
    if (d > 0) {
      return {
        zh: `证书 ${f.n} 于 ${f.issued} 颁发，早于审核结束日期 ${f.end}。`,
        en: `Certificate ${f.n} was issued on ${f.issued}, before its audit ended on ${f.end}.`,
      };
    }
    return d === 0
      ? {
          zh: `证书 ${f.n} 于审核结束当天（${f.end}）即颁发。`,
          en: `Certificate ${f.n} was issued on ${f.issued}, the day its audit ended.`,
        }
      : {
          zh: `证书 ${f.n} 于 ${f.issued} 颁发，审核前一天（${f.end}）才结束。`,
          en: `Certificate ${f.n} was issued on ${f.issued}, the day after its audit ended.`,
        };
  },
  'man-days-minimum': (_s, e) => {
    const type = at(e, 'auditType') ?? 'initial';
    const f = fields(e, { n: 'certificateNumber', scheme: 'scheme', manDays: 'manDays' });
    if (!f) return undefined;
    if (at(e, 'minimumManDaysSmallestBand') !== undefined) {
      return {
        zh: `证书 ${f.n}（${f.scheme}）上报的审核未填写有效人数，最低审核人日无从判断，已按最小规模（至少 ${at(e, 'minimumManDaysSmallestBand')} 人日）核对。`,
        en: `The ${f.scheme} audit behind certificate ${f.n} was reported without the head count its minimum depends on; judged as the smallest organisation (at least ${at(e, 'minimumManDaysSmallestBand')} man-days).`,
      };
    }
    const minimum = at(e, 'minimumManDays');
    if (minimum === undefined) return undefined;
    const size = at(e, 'employees');
    return {
      zh: `证书 ${f.n}（${f.scheme}，${AUDIT_TYPE_ZH[type] ?? type}审核）审核人日为 ${f.manDays}，${size ? `${size} 人的组织` : '人数不详的组织'}至少需要 ${minimum} 人日。`,
      en: `The ${f.scheme} ${type} audit behind certificate ${f.n} took ${f.manDays} man-days; an organisation of ${size ?? 'an unknown number of'} employees needs at least ${minimum}.`,
    };
  },
  'man-days-padded': (_s, e) => {
    const f = fields(e, {
      n: 'certificateNumber',
      manDays: 'manDays',
      team: 'auditors',
      days: 'days',
      max: 'teamManDays',
    });
    if (!f) return undefined;
    return {
      zh: `证书 ${f.n} 的审核上报 ${f.manDays} 人日，但审核组 ${f.team} 人在现场 ${f.days} 天，最多 ${f.max} 人日。`,
      en: `The audit behind certificate ${f.n} claims ${f.manDays} man-days, but its ${f.team} auditor(s) were on site ${f.days} day(s): at most ${f.max}.`,
    };
  },
  'body-scope-at-issue': (s, e) => {
    const f = fields(e, { n: 'certificateNumber', scheme: 'scheme', issued: 'issueDate' });
    const findings = e.findings;
    if (!f || !Array.isArray(findings)) return undefined;
    const kinds = findings.map((x) => String((x as { kind?: unknown }).kind));
    const zhOf: Record<string, string> = {
      scheme: `认证领域 ${f.scheme} 不在机构批准范围内`,
      'industry-codes': '专业代码超出机构批准范围',
      approval: '颁证时机构批准处于暂停或撤销期间',
      'not-yet-approved': '颁证时机构尚未获得批准',
      'unknown-body': '颁证机构不在机构名录中',
    };
    return {
      zh: `${s.bodyCode ?? ''} 的证书 ${f.n}（${f.issued} 颁发）：${kinds.map((k) => zhOf[k] ?? k).join('；')}。`,
      en: `Certificate ${f.n} of ${s.bodyCode ?? ''} (issued ${f.issued}): ${findings.map((x) => String((x as { message?: unknown }).message)).join('; ')}.`,
    };
  },
  'out-of-scope-attempt': (s, e) => {
    const f = fields(e, { kind: 'kind', rows: 'rowsRefused' });
    if (!f) return undefined;
    return {
      zh: `${s.subject.key} 试图上报 ${f.rows} 条${KIND_ZH[f.kind] ?? f.kind}（${at(e, 'pattern') ?? ''}），相关行已被拒绝。`,
      en: `${s.subject.key} tried to report ${f.rows} row(s) outside its ${f.kind === 'approval' ? 'approval' : 'approved scope'} (${f.kind}); the rows were refused.`,
    };
  },
  'auditor-overlap': (s, e) => {
    const f = fields(e, { days: 'sharedDays', from: 'overlap.from', to: 'overlap.to' });
    const audits = e.audits;
    if (!f || !Array.isArray(audits) || audits.length < 2) return undefined;
    const [a, b] = audits.map((x) => String((x as { number?: unknown }).number));
    return {
      zh: `审核员 ${s.subject.key} 同时出现在不同组织的证书 ${a} 与 ${b} 的审核中，${f.from} 至 ${f.to} 重叠 ${f.days} 天。`,
      en: `Auditor ${s.subject.key} is reported on the audits of ${a} and of ${b}, different holders, sharing ${f.days} day(s) (${f.from} to ${f.to}).`,
    };
  },
  'auditor-unregistered': (s, e) => {
    const f = fields(e, { name: 'reportedName', n: 'certificateNumber' });
    if (!f) return undefined;
    return {
      zh: `证书 ${f.n} 的审核组成员 ${f.name}（注册号 ${s.subject.key}）不在审核员注册名录中。`,
      en: `Auditor ${f.name} (${s.subject.key}) of the audit behind ${f.n} is not in the auditor register.`,
    };
  },
  'auditor-expired': (s, e) => {
    const f = fields(e, {
      kind: 'kind',
      n: 'certificateNumber',
      start: 'audit.startDate',
      end: 'audit.endDate',
      from: 'registration.validFrom',
      to: 'registration.validTo',
    });
    if (!f) return undefined;
    const name = s.subject.label ?? s.subject.key;
    return f.kind === 'expired'
      ? {
          zh: `审核员 ${name}（${s.subject.key}）的注册有效期至 ${f.to}，早于证书 ${f.n} 的审核结束日期（审核 ${f.start} 至 ${f.end}）。`,
          en: `The registration of auditor ${name} (${s.subject.key}) ended on ${f.to}, before the audit behind ${f.n} ended (${f.start} to ${f.end}).`,
        }
      : {
          zh: `审核员 ${name}（${s.subject.key}）的注册自 ${f.from} 起生效，晚于证书 ${f.n} 的审核开始日期（审核 ${f.start} 至 ${f.end}）。`,
          en: `The registration of auditor ${name} (${s.subject.key}) began on ${f.from}, after the audit behind ${f.n} began (${f.start} to ${f.end}).`,
        };
  },
  'auditor-unqualified': (s, e) => {
    const f = fields(e, { n: 'certificateNumber', scheme: 'scheme', schemes: 'registration.schemes' });
    if (!f) return undefined;
    const name = s.subject.label ?? s.subject.key;
    return {
      zh: `审核员 ${name}（${s.subject.key}）注册领域为 ${f.schemes}，未注册证书 ${f.n} 的认证领域 ${f.scheme}。`,
      en: `Auditor ${name} (${s.subject.key}) is registered for ${f.schemes}, not for ${f.scheme}, the scheme of ${f.n}.`,
    };
  },
  'non-valid-scanned': (s, e) => {
    const f = fields(e, { status: 'status', day: 'day' });
    if (!f) return undefined;
    const name = s.subject.label ?? s.subject.key;
    return {
      zh: `${STATUS_ZH[f.status] ?? f.status}状态的证书 ${name} 的二维码于 ${f.day} 被扫描。`,
      en: `The code of ${f.status} certificate ${name} was scanned on ${f.day}.`,
    };
  },
  'cloned-qr': (s, e) => {
    const f = fields(e, { networks: 'networks', minutes: 'windowMinutes' });
    if (!f) return undefined;
    const name = s.subject.label ?? s.subject.key;
    return {
      zh: `证书 ${name} 的二维码在 ${f.minutes} 分钟内从至少 ${f.networks} 个不同网络被扫描，疑似被复制。`,
      en: `The code of certificate ${name} was scanned from at least ${f.networks} distinct networks within ${f.minutes} minutes.`,
    };
  },
  'ban-period-hopping': (s, e) => {
    const f = fields(e, {
      scheme: 'scheme',
      by: 'issued.bodyCode',
      issued: 'issued.issueDate',
      from: 'sanctioned.bodyCode',
      status: 'sanctioned.status',
      date: 'sanctioned.date',
    });
    if (!f) return undefined;
    const holder = s.subject.label ?? s.subject.key;
    return {
      zh: `${f.by} 于 ${f.issued} 为 ${holder} 颁发 ${f.scheme} 证书，处于其被 ${f.from} 于 ${f.date} ${STATUS_ZH[f.status] ?? f.status}证书后的暂禁期内。`,
      en: `${f.by} certified ${holder} for ${f.scheme} on ${f.issued}, within the ban after ${f.from} ${f.status === 'revoked' ? 'revoked' : 'suspended'} its certificate on ${f.date}.`,
    };
  },
  'reporting-overdue': (s, e) => {
    const f = fields(e, { due: 'nextDueDate', days: 'daysLate' });
    if (!f) return undefined;
    const name = s.subject.label ? `${s.subject.label}（${s.subject.key}）` : s.subject.key;
    const nameEn = s.subject.label ? `${s.subject.label} (${s.subject.key})` : s.subject.key;
    return {
      zh: `${name} 应于 ${f.due} 前报送证书信息或确认无变化，已逾期 ${f.days} 天。`,
      en: `${nameEn} owed its certificate report (or a "nothing changed" confirmation) by ${f.due}; it is ${f.days} days late.`,
    };
  },
  'body-volume-outlier': (s, e) => {
    const f = fields(e, {
      certs: 'certificates',
      days: 'auditorDays',
      ratio: 'certificatesPerAuditorDay',
      times: 'timesMedian',
      peers: 'peers',
    });
    if (!f) return undefined;
    return {
      zh: `${s.subject.key} 近 12 个月以 ${f.days} 个审核员日颁发 ${f.certs} 张证书，每审核员日 ${f.ratio} 张，为 ${f.peers} 家同行中位数的 ${f.times} 倍。`,
      en: `${s.subject.key} issued ${f.certs} certificates on ${f.days} auditor-days over 12 months: ${f.ratio} per auditor-day, ${f.times} times the median of ${f.peers} peers.`,
    };
  },
};

/** The signal's sentence in both languages; `title` is its rule's title (the fallback's Chinese). */
export function signalText(signal: Signal, title: { zh: string; en: string }): SignalText {
  const render = RENDERERS[signal.ruleId];
  let text: SignalText | undefined;
  try {
    text = render?.(signal, signal.evidence);
  } catch {
    text = undefined;
  }
  return text ?? { zh: `${title.zh}：${signal.summary}`, en: signal.summary };
}
