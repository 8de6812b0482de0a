/** Dates as China reads them: UTC+8, no daylight saving, YYYY-MM-DD. */

let memo = { minute: -1, date: '' };

/** Today's date in China (UTC+8, no daylight saving), as YYYY-MM-DD: expiry is judged by the local date. */
export function todayInChina(now: number = Date.now()): string {
  // Every lookup asks; the answer changes once a day, so compute it at most once a minute.
  const minute = Math.floor(now / 60_000);
  if (minute !== memo.minute)
    memo = { minute, date: new Date(now + 8 * 3600 * 1000).toISOString().slice(0, 10) };
  return memo.date;
}

/** `date` plus `days` calendar days (YYYY-MM-DD in, YYYY-MM-DD out). */
export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** An ISO timestamp as China reads it, to the minute: `YYYY-MM-DD HH:MM` (UTC+8); the text itself when not one. */
export function chinaMinute(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}
