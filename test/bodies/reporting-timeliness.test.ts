import { reckonTimeliness } from '../../server/bodies/body-reporting';
import { makeBody } from '../helpers/factories';

/** Noon in China on a day (YYYY-MM-DD), ms. */
const chinaNoon = (day: string) => Date.parse(`${day}T12:00:00+08:00`);
const body = makeBody({
  approvalHistory: [{ status: 'approved', from: '2024-06-15' }],
  lastReportedAt: undefined,
});

describe('reporting timeliness', () => {
  test('when a body reported this month, then its next report is due on the 10th of the next month and it is not late', () => {
    const t = reckonTimeliness(body, ['2026-05-03T02:00:00.000Z'], chinaNoon('2026-05-20'));
    expect(t).toMatchObject({
      nextDueDate: '2026-06-10',
      late: false,
      daysLate: 0,
      lastReportAt: '2026-05-03T02:00:00.000Z',
    });
  });

  test('when the due date has passed without a report, then it is late by the days since', () => {
    const t = reckonTimeliness(body, ['2026-03-31T17:00:00.000Z'], chinaNoon('2026-05-13'));
    // 17:00 on March 31st UTC is 01:00 on April 1st in China: due on May 10th.
    expect(t).toMatchObject({ nextDueDate: '2026-05-10', late: true, daysLate: 3 });
  });

  test('when on the due date itself, then it is not yet late', () => {
    const t = reckonTimeliness(body, ['2026-04-20T02:00:00.000Z'], chinaNoon('2026-05-10'));
    expect(t).toMatchObject({ late: false });
  });

  test('when the past year is judged, then a month counts when a report came from its first day to the 10th after it', () => {
    const reports = ['2026-01-05T02:00:00.000Z', '2026-02-10T02:00:00.000Z', '2026-04-11T02:00:00.000Z'];
    const t = reckonTimeliness(body, reports, chinaNoon('2026-05-20'));
    // April's report was due on May 10th (passed): April is the last month judged; 12 months from May 2025.
    expect(t.months).toHaveLength(12);
    expect(t.months[0]?.month).toBe('2025-05');
    expect(t.months[11]?.month).toBe('2026-04');
    const onTime = t.months.filter((m) => m.onTime).map((m) => m.month);
    // Jan 5th covers December and January; Feb 10th covers January and February; Apr 11th covers April.
    expect(onTime).toEqual(['2025-12', '2026-01', '2026-02', '2026-04']);
    expect(t.onTimeMonths).toBe(4);
  });

  test('when a body approved long ago never reported, then it owes the report of the first month judged, a year back', () => {
    const old = makeBody({ approvalNumber: 'CNCA-R-2002-001', lastReportedAt: undefined });
    const t = reckonTimeliness(old, [], chinaNoon('2026-05-20'));
    expect(t).toMatchObject({ nextDueDate: '2025-06-10', late: true, onTimeMonths: 0 });
    expect(t.months).toHaveLength(12);
  });

  test('when a body was approved less than a year ago, then only the months since its approval are judged', () => {
    const young = makeBody({
      approvalHistory: [{ status: 'approved', from: '2026-02-20' }],
      lastReportedAt: undefined,
    });
    const t = reckonTimeliness(young, [], chinaNoon('2026-05-05'));
    expect(t.months.map((m) => m.month)).toEqual(['2026-02', '2026-03']);
    // Never reported: its first report (for February) was due on March 10th.
    expect(t).toMatchObject({ nextDueDate: '2026-03-10', late: true, onTimeMonths: 0 });
    expect(t).not.toHaveProperty('lastReportAt');
  });
});
