/**
 * Working days in mainland China, for the public notice of a credit repair (5 working days). Weekends
 * are not working days, except the weekend days the State Council moves work to (调休上班); public
 * holidays are not, even on a weekday. The holiday list is configuration: the State Council publishes
 * each year's schedule in November, and it is added here then. For a year not listed, only weekends
 * count (`covers` tells), so a notice over an unlisted Spring Festival would run short: keep it current.
 */
import { addDays } from '../platform/china-time';

export interface HolidaySchedule {
  /** Days off (YYYY-MM-DD), weekdays or not. */
  holidays: readonly string[];
  /** Weekend days that are working days (调休上班). */
  workdays: readonly string[];
}

/**
 * The published schedules: 国办发明电〔2024〕12号 (2025) and the State Council notice of 4 November 2025
 * (2026).
 */
export const CHINA_HOLIDAYS: HolidaySchedule = {
  holidays: [
    // 2025
    '2025-01-01',
    ...range('2025-01-28', '2025-02-04'),
    ...range('2025-04-04', '2025-04-06'),
    ...range('2025-05-01', '2025-05-05'),
    ...range('2025-05-31', '2025-06-02'),
    ...range('2025-10-01', '2025-10-08'),
    // 2026
    ...range('2026-01-01', '2026-01-03'),
    ...range('2026-02-15', '2026-02-23'),
    ...range('2026-04-04', '2026-04-06'),
    ...range('2026-05-01', '2026-05-05'),
    ...range('2026-06-19', '2026-06-21'),
    ...range('2026-09-25', '2026-09-27'),
    ...range('2026-10-01', '2026-10-07'),
  ],
  workdays: [
    '2025-01-26',
    '2025-02-08',
    '2025-04-27',
    '2025-09-28',
    '2025-10-11',
    '2026-01-04',
    '2026-02-14',
    '2026-02-28',
    '2026-05-09',
    '2026-09-20',
    '2026-10-10',
  ],
};

/** Every date from `from` to `to`, both included (YYYY-MM-DD). */
function range(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) dates.push(d);
  return dates;
}

export interface WorkingCalendar {
  isWorkingDay(date: string): boolean;
  /** The `n`-th working day after `date` (n ≥ 1; `date` itself never counts). */
  addWorkingDays(date: string, n: number): string;
  /** Whether the holiday list covers the year of `date` (otherwise only weekends are known). */
  covers(date: string): boolean;
}

export function createWorkingCalendar(schedule: HolidaySchedule = CHINA_HOLIDAYS): WorkingCalendar {
  const holidays = new Set(schedule.holidays);
  const workdays = new Set(schedule.workdays);
  const years = new Set([...schedule.holidays, ...schedule.workdays].map((d) => d.slice(0, 4)));
  const isWorkingDay = (date: string) => {
    if (holidays.has(date)) return false;
    if (workdays.has(date)) return true;
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  };
  return {
    isWorkingDay,
    addWorkingDays(date, n) {
      let d = date;
      for (let left = n; left > 0;) {
        d = addDays(d, 1);
        if (isWorkingDay(d)) left -= 1;
      }
      return d;
    },
    covers: (date) => years.has(date.slice(0, 4)),
  };
}

/** Working days a repair request is publicly noticed before it may be decided. */
export const NOTICE_WORKING_DAYS = 5;

/**
 * The public notice of a repair requested on `requestDate`: it starts the next working day (so a
 * request late in the day still gets five full working days) and ends on the fifth working day. The
 * decision may be taken from the day after the end.
 */
export function noticePeriod(
  calendar: WorkingCalendar,
  requestDate: string,
  days = NOTICE_WORKING_DAYS,
): { startDate: string; endDate: string } {
  return {
    startDate: calendar.addWorkingDays(requestDate, 1),
    endDate: calendar.addWorkingDays(requestDate, days),
  };
}
