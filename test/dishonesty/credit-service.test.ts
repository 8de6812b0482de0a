import { CHINA_HOLIDAYS, createWorkingCalendar, noticePeriod } from '../../server/dishonesty/credit-calendar';
import { addDays } from '../../server/platform/china-time';
import {
  assessCredit,
  createCreditService,
  subjectRef,
  type CreditSignal,
  type CreditSignalSource,
} from '../../server/dishonesty/credit-service';
import {
  addYears,
  earliestRepairDate,
  type DishonestyRecord,
  type Severity,
} from '../../server/dishonesty/dishonesty-schema';
import { makeRecord } from '../contract/dishonesty-repository.contract';
import { creditCode } from '../helpers/factories';

const record = (severity: Severity, overrides: Partial<DishonestyRecord> = {}) =>
  makeRecord({ severity, ...overrides });

describe('credit levels', () => {
  test.each([
    [[], 'A', ['NO_ACTIVE_RECORDS'], false],
    [['minor'], 'B', ['MINOR_RECORD'], false],
    [['minor', 'minor'], 'C', ['REPEATED_MINOR_RECORDS'], true],
    [['moderate'], 'C', ['MODERATE_RECORD'], true],
    [['moderate', 'minor'], 'C', ['MODERATE_RECORD', 'MINOR_RECORD'], true],
    [['serious'], 'D', ['SERIOUS_RECORD'], true],
    [['grave', 'minor'], 'D', ['SERIOUS_RECORD', 'MINOR_RECORD'], true],
  ] as [Severity[], string, string[], boolean][])(
    'when an organisation has active records %j, then level %s by %j',
    (severities, level, rules, key) => {
      const own = severities.map((s) => record(s));
      const assessment = assessCredit({ own });
      expect(assessment).toMatchObject({ level, listed: own.length > 0, keySupervisionTarget: key });
      expect(assessment.reasons.map((r) => r.rule)).toEqual(rules);
      expect(assessment.records.map((r) => r.id)).toEqual(own.map((r) => r.id));
    },
  );

  test('when a record is repaired, then it no longer counts', () => {
    const repaired = record('grave', {
      state: 'repaired',
      supersededBy: { repairId: 'AAAAAAAAAAAAAAAAAAAAAA', decidedAt: '2026-01-01T00:00:00.000Z' },
    });
    expect(assessCredit({ own: [repaired] })).toMatchObject({ level: 'A', listed: false, records: [] });
  });

  test("when a body's auditors are listed, then it is a key supervision target at B at best, not itself listed", () => {
    const auditor = record('serious', {
      subject: { kind: 'auditor', registrationNumber: '2025-N1QMS-1', name: '张伟', bodyCode: 'CQC' },
    });
    expect(assessCredit({ own: [], auditors: [auditor] })).toMatchObject({
      level: 'B',
      listed: false,
      keySupervisionTarget: true,
      reasons: [{ rule: 'AUDITORS_LISTED', level: 'B', recordIds: [auditor.id] }],
    });
    // Its own serious record still decides the level.
    expect(assessCredit({ own: [record('serious')], auditors: [auditor] }).level).toBe('D');
  });

  test('when high-severity risk signals are open, then the level is one step lower, and never below D', () => {
    const high: CreditSignal[] = [{ id: 'S1', rule: 'auditor-overlap', severity: 'high' }];
    const low: CreditSignal[] = [{ id: 'S2', rule: 'scan-of-expired', severity: 'low' }];
    expect(assessCredit({ own: [], signals: low }).level).toBe('A');
    expect(assessCredit({ own: [], signals: high })).toMatchObject({
      level: 'B',
      reasons: [{ rule: 'NO_ACTIVE_RECORDS' }, { rule: 'HIGH_RISK_SIGNALS', level: 'B', signalIds: ['S1'] }],
    });
    expect(assessCredit({ own: [record('moderate')], signals: high }).level).toBe('D');
    expect(assessCredit({ own: [record('grave')], signals: high }).level).toBe('D');
  });

  test('when a signal source is passed to the service, then its signals are asked for once per batch and used', async () => {
    const listed = creditCode();
    const signalled = creditCode();
    const asked: string[][] = [];
    const signals: CreditSignalSource = {
      async openSignals(subjects) {
        asked.push(subjects.map(subjectRef));
        return new Map([
          [
            subjectRef({ kind: 'organisation', creditCode: signalled }),
            [{ id: 'S9', rule: 'r', severity: 'high' }],
          ],
        ]);
      },
    };
    const service = createCreditService({
      dishonesty: {
        listedConcerning: async () => [
          record('minor', { subject: { kind: 'organisation', creditCode: listed, name: 'x' } }),
        ],
      },
      bodies: { list: async () => [] },
      signals,
    });
    const assessed = await service.assess([
      { kind: 'organisation', creditCode: listed },
      { kind: 'organisation', creditCode: signalled },
    ]);
    expect(asked).toHaveLength(1);
    expect(assessed.get(`organisation:${listed}`)?.level).toBe('B');
    expect(assessed.get(`organisation:${signalled}`)).toMatchObject({ level: 'B', listed: false });
  });
});

describe('earliest repair date', () => {
  test.each([
    ['2020-01-10', 'minor', '2021-01-10'],
    ['2020-01-10', 'moderate', '2023-01-10'],
    ['2020-01-10', 'serious', '2025-01-10'],
    ['2020-01-10', 'grave', '2026-01-10'],
    ['2024-02-29', 'minor', '2025-02-28'],
    ['2024-02-29', 'moderate', '2027-02-28'],
  ] as const)(
    'when a listing starts %s as %s, then repair may be asked for from %s',
    (start, severity, expected) => {
      expect(earliestRepairDate(start, severity)).toBe(expected);
    },
  );

  test('when 29 February is moved to a leap year, then it stays 29 February', () => {
    expect(addYears('2020-02-29', 4)).toBe('2024-02-29');
  });
});

describe('working days and the public notice', () => {
  const calendar = createWorkingCalendar();

  test.each([
    ['a Monday', '2026-03-02', '2026-03-03', '2026-03-09'],
    ['a Friday', '2026-03-06', '2026-03-09', '2026-03-13'],
    ['a Saturday', '2026-03-07', '2026-03-09', '2026-03-13'],
    // 25-27 September and 1-7 October are off; Sunday 20 September is a working day.
    ['the eve of Mid-Autumn and National Day', '2026-09-24', '2026-09-28', '2026-10-09'],
    ['the Saturday before National Day week', '2026-09-19', '2026-09-20', '2026-09-24'],
    // 15-23 February off; Saturdays 14 and 28 February worked.
    ['the Friday before Spring Festival', '2026-02-13', '2026-02-14', '2026-02-27'],
    ['New Year 2025', '2024-12-31', '2025-01-02', '2025-01-08'],
  ])('when repair is asked for on %s (%s), then the notice runs %s to %s', (_what, requested, start, end) => {
    expect(noticePeriod(calendar, requested)).toEqual({ startDate: start, endDate: end });
  });

  test('when the holiday list is read, then every day off and moved working day is a real date of 2025-2026', () => {
    for (const date of [...CHINA_HOLIDAYS.holidays, ...CHINA_HOLIDAYS.workdays]) {
      expect(addDays(date, 0)).toBe(date);
      expect(date >= '2025-01-01' && date <= '2026-12-31').toBe(true);
    }
    // Moved working days are weekends, by definition.
    for (const date of CHINA_HOLIDAYS.workdays)
      expect([0, 6]).toContain(new Date(`${date}T00:00:00Z`).getUTCDay());
    expect(calendar.covers('2026-06-01')).toBe(true);
    expect(calendar.covers('2027-06-01')).toBe(false);
  });

  test('when a year is not in the list, then only weekends are off', () => {
    expect(noticePeriod(calendar, '2027-10-01')).toEqual({ startDate: '2027-10-04', endDate: '2027-10-08' });
  });
});
