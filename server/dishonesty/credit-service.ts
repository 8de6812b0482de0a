import type { BodyService } from '../bodies/body-service';
import { bodyCodeSchema } from '../bodies/body-schema';
import { isValidCreditCode } from '../platform/credit-code';
import { hasForbiddenCharacters, normalizeIdentifier } from '../platform/normalize';
import {
  CREDIT_LEVELS,
  type CreditAssessment,
  type CreditLevel,
  type CreditQuery,
  type CreditQueryItem,
  type CreditQueryResult,
  type CreditReason,
  type CreditRecordSummary,
} from './credit-schema';
import type { DishonestyRecord } from './dishonesty-schema';
import type { DishonestyService } from './dishonesty-service';
import type { SignalRepository } from '../signals/signal-repository';

/** The subject of an assessment. */
export type CreditSubject = { kind: 'organisation'; creditCode: string } | { kind: 'body'; bodyCode: string };

/** An open risk signal about a subject (not dismissed, not taken into a case). */
export interface CreditSignal {
  id: string;
  rule: string;
  severity: 'low' | 'medium' | 'high';
}

/**
 * Where risk signals come from: open high-severity signals lower a level by one step (rule
 * HIGH_RISK_SIGNALS). `creditSignalsFrom` reads them from the signal store.
 */
export interface CreditSignalSource {
  /** Open signals per subject, keyed by `subjectRef(subject)`; subjects without signals may be absent. */
  openSignals(subjects: readonly CreditSubject[]): Promise<Map<string, CreditSignal[]>>;
}

/**
 * The signal store as a CreditSignalSource, in one read per batch: an organisation's signals are those
 * about it (ban-period hopping...); a body's are every signal naming it, about itself, its certificates
 * or its auditors ("whoever issues is responsible").
 */
export function creditSignalsFrom(store: Pick<SignalRepository, 'findOpenConcerning'>): CreditSignalSource {
  return {
    async openSignals(subjects) {
      const creditCodes = new Set(subjects.flatMap((s) => (s.kind === 'organisation' ? [s.creditCode] : [])));
      const bodyCodes = new Set(subjects.flatMap((s) => (s.kind === 'body' ? [s.bodyCode] : [])));
      const found = await store.findOpenConcerning({
        creditCodes: [...creditCodes],
        bodyCodes: [...bodyCodes],
      });
      const bySubject = new Map<string, CreditSignal[]>();
      const add = (ref: string, signal: CreditSignal) =>
        bySubject.set(ref, [...(bySubject.get(ref) ?? []), signal]);
      for (const s of found) {
        const signal = { id: s.id, rule: s.ruleId, severity: s.severity };
        if (s.subject.kind === 'organisation' && creditCodes.has(s.subject.key)) {
          add(subjectRef({ kind: 'organisation', creditCode: s.subject.key }), signal);
        }
        if (s.bodyCode !== undefined && bodyCodes.has(s.bodyCode)) {
          add(subjectRef({ kind: 'body', bodyCode: s.bodyCode }), signal);
        }
      }
      return bySubject;
    },
  };
}

export function subjectRef(subject: CreditSubject): string {
  return subject.kind === 'organisation' ? `organisation:${subject.creditCode}` : `body:${subject.bodyCode}`;
}

const DESCRIPTIONS: Record<CreditReason['rule'], string> = {
  NO_ACTIVE_RECORDS: 'No active dishonesty record.',
  MINOR_RECORD: 'One active minor record.',
  REPEATED_MINOR_RECORDS: 'Two or more active minor records.',
  MODERATE_RECORD: 'An active moderate record.',
  SERIOUS_RECORD: 'An active serious or grave record.',
  AUDITORS_LISTED: 'Auditors of this body are listed: the body is a key supervision target, level at best B.',
  HIGH_RISK_SIGNALS: 'Open high-severity risk signals: one level lower.',
};

const worse = (a: CreditLevel, b: CreditLevel): CreditLevel =>
  CREDIT_LEVELS.indexOf(a) >= CREDIT_LEVELS.indexOf(b) ? a : b;
const stepDown = (level: CreditLevel): CreditLevel =>
  CREDIT_LEVELS[Math.min(CREDIT_LEVELS.indexOf(level) + 1, CREDIT_LEVELS.length - 1)] as CreditLevel;

function reason(rule: CreditReason['rule'], level: CreditLevel, records: DishonestyRecord[]): CreditReason {
  return { rule, level, description: DESCRIPTIONS[rule], recordIds: records.map((r) => r.id) };
}

function summary(record: DishonestyRecord): CreditRecordSummary {
  const { id, subject, severity, basis, caseRef, startDate, earliestRepairDate } = record;
  return { id, subject, severity, basis, caseRef, startDate, earliestRepairDate };
}

/**
 * The credit level of a subject from its own active (listed) records, its auditors' (bodies), and its
 * open risk signals, with every rule that applied:
 * - D: an active serious or grave record;
 * - C: an active moderate record, or two or more active minor ones;
 * - B: one active minor record, or (a body) listed auditors;
 * - A: none of these;
 * then one step lower with open high-severity risk signals. Key supervision target: C or D, or a body
 * whose auditors are listed.
 */
export function assessCredit(input: {
  own: DishonestyRecord[];
  auditors?: DishonestyRecord[];
  signals?: CreditSignal[];
}): CreditAssessment {
  const own = input.own.filter((r) => r.state === 'listed');
  const auditors = (input.auditors ?? []).filter((r) => r.state === 'listed');
  const reasons: CreditReason[] = [];
  const serious = own.filter((r) => r.severity === 'serious' || r.severity === 'grave');
  const moderate = own.filter((r) => r.severity === 'moderate');
  const minor = own.filter((r) => r.severity === 'minor');
  if (serious.length > 0) reasons.push(reason('SERIOUS_RECORD', 'D', serious));
  if (moderate.length > 0) reasons.push(reason('MODERATE_RECORD', 'C', moderate));
  if (minor.length >= 2) reasons.push(reason('REPEATED_MINOR_RECORDS', 'C', minor));
  if (minor.length === 1) reasons.push(reason('MINOR_RECORD', 'B', minor));
  if (auditors.length > 0) reasons.push(reason('AUDITORS_LISTED', 'B', auditors));
  let level = reasons.reduce<CreditLevel>((l, r) => worse(l, r.level), 'A');
  if (reasons.length === 0) reasons.push(reason('NO_ACTIVE_RECORDS', 'A', []));
  const high = (input.signals ?? []).filter((s) => s.severity === 'high');
  if (high.length > 0) {
    level = stepDown(level);
    reasons.push({ ...reason('HIGH_RISK_SIGNALS', level, []), signalIds: high.map((s) => s.id) });
  }
  return {
    level,
    listed: own.length > 0,
    keySupervisionTarget: level === 'C' || level === 'D' || auditors.length > 0,
    reasons,
    records: [...own, ...auditors].map(summary),
  };
}

export interface CreditService {
  /** Assessments of many subjects at once (one registry read), keyed by `subjectRef`. */
  assess(subjects: readonly CreditSubject[]): Promise<Map<string, CreditAssessment>>;
  /**
   * A partner department's batch query: one result per code given, in order, each either an assessment
   * or the reason the code is invalid (INVALID_CREDIT_CODE, INVALID_BODY_CODE) — never a whole-request failure.
   */
  query(query: CreditQuery): Promise<CreditQueryResult>;
}

/** The code if it is a string of sane length without control characters, normalised; else undefined. */
function asCode(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 64 || hasForbiddenCharacters(value)) return undefined;
  return normalizeIdentifier(value);
}

const echo = (value: unknown): string | null => (typeof value === 'string' ? value.slice(0, 64) : null);

export function createCreditService(deps: {
  dishonesty: Pick<DishonestyService, 'listedConcerning'>;
  bodies: Pick<BodyService, 'list'>;
  signals?: CreditSignalSource;
  now?: () => number;
}): CreditService {
  const { dishonesty, bodies, signals } = deps;
  const now = deps.now ?? Date.now;

  async function assess(subjects: readonly CreditSubject[]): Promise<Map<string, CreditAssessment>> {
    const creditCodes = [
      ...new Set(subjects.flatMap((s) => (s.kind === 'organisation' ? [s.creditCode] : []))),
    ];
    const bodyCodes = [...new Set(subjects.flatMap((s) => (s.kind === 'body' ? [s.bodyCode] : [])))];
    const [records, signalMap] = await Promise.all([
      dishonesty.listedConcerning({ creditCodes, bodyCodes }),
      signals ? signals.openSignals(subjects) : Promise.resolve(new Map<string, CreditSignal[]>()),
    ]);
    const organisations = new Map<string, DishonestyRecord[]>();
    const ownOfBody = new Map<string, DishonestyRecord[]>();
    const auditorsOfBody = new Map<string, DishonestyRecord[]>();
    const push = (map: Map<string, DishonestyRecord[]>, key: string, r: DishonestyRecord) => {
      const list = map.get(key);
      if (list) list.push(r);
      else map.set(key, [r]);
    };
    for (const r of records) {
      if (r.subject.kind === 'organisation') push(organisations, r.subject.creditCode, r);
      else if (r.subject.kind === 'body') push(ownOfBody, r.subject.bodyCode, r);
      else push(auditorsOfBody, r.subject.bodyCode, r);
    }
    const result = new Map<string, CreditAssessment>();
    for (const subject of subjects) {
      const ref = subjectRef(subject);
      const assessment =
        subject.kind === 'organisation'
          ? assessCredit({ own: organisations.get(subject.creditCode) ?? [], signals: signalMap.get(ref) })
          : assessCredit({
              own: ownOfBody.get(subject.bodyCode) ?? [],
              auditors: auditorsOfBody.get(subject.bodyCode) ?? [],
              signals: signalMap.get(ref),
            });
      result.set(ref, assessment);
    }
    return result;
  }

  return {
    assess,

    async query({ creditCodes = [], bodyCodes = [] }) {
      const organisations = creditCodes.map((raw) => {
        const code = asCode(raw);
        return code !== undefined && isValidCreditCode(code) ? code : undefined;
      });
      const bodyList = bodyCodes.map((raw) => {
        const code = asCode(raw);
        return code !== undefined && bodyCodeSchema.safeParse(code).success ? code : undefined;
      });
      const subjects: CreditSubject[] = [
        ...organisations.flatMap((c) => (c ? [{ kind: 'organisation' as const, creditCode: c }] : [])),
        ...bodyList.flatMap((c) => (c ? [{ kind: 'body' as const, bodyCode: c }] : [])),
      ];
      const [assessments, registered] = await Promise.all([
        assess(subjects),
        bodyList.some(Boolean)
          ? bodies.list().then((all) => new Set(all.map((b) => b.code)))
          : Promise.resolve(new Set<string>()),
      ]);
      const results: CreditQueryItem[] = [
        ...organisations.map((code, index): CreditQueryItem => {
          if (code === undefined) {
            return {
              index,
              kind: 'organisation',
              input: echo(creditCodes[index]),
              error: {
                code: 'INVALID_CREDIT_CODE',
                detail:
                  'Not a valid unified social credit code (18 characters with a matching check character).',
              },
            };
          }
          const a = assessments.get(
            subjectRef({ kind: 'organisation', creditCode: code }),
          ) as CreditAssessment;
          return { index, kind: 'organisation', code, ...a };
        }),
        ...bodyList.map((code, index): CreditQueryItem => {
          if (code === undefined) {
            return {
              index,
              kind: 'body',
              input: echo(bodyCodes[index]),
              error: { code: 'INVALID_BODY_CODE', detail: 'A body code is 2-32 of A-Z, 0-9 and -.' },
            };
          }
          const a = assessments.get(subjectRef({ kind: 'body', bodyCode: code })) as CreditAssessment;
          return { index, kind: 'body', code, registered: registered.has(code), ...a };
        }),
      ];
      return { asOf: new Date(now()).toISOString(), results };
    },
  };
}
