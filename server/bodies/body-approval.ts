/**
 * A body's approval as a history: periods running from one change of approval to the next. What the
 * scope check (certificates/certificate-scope.ts) and the body-scope-at-issue rule ask is "was the body
 * approved on this day?", which one latest status cannot answer for a body suspended and later
 * reinstated.
 */
import type { ApprovalChange, ApprovalStatus, Body } from './body-schema';

/** The approval in force on a day: a status with the day it took effect, or before any approval. */
export type ApprovalOnDay =
  { status: ApprovalStatus; since?: string } | { status: 'not-yet-approved'; approvedFrom: string };

/** The year in the approval number (`CNCA-R-2002-001`: 2002), when it has one. */
export function approvalYear(body: Pick<Body, 'approvalNumber'>): string | undefined {
  return /^CNCA-[A-Z]+-(\d{4})-/.exec(body.approvalNumber)?.[1];
}

/** Changes ordered by effective date; of two on one day, the one recorded later counts. */
function ordered(changes: readonly ApprovalChange[]): ApprovalChange[] {
  const byDay = new Map<string, ApprovalChange>();
  for (const change of changes) {
    const kept = byDay.get(change.from);
    if (!kept || (change.recordedAt ?? '') >= (kept.recordedAt ?? '')) byDay.set(change.from, change);
  }
  return [...byDay.values()].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
}

/**
 * The body's changes of approval, ordered by effective date. A body registered before the history was
 * kept has only its latest status: approved from January 1st of the year in its approval number, then a
 * suspension or withdrawal with its date. An approval with a date says nothing of what came before it
 * (first approval or reinstatement), so it adds nothing.
 */
export function approvalHistoryOf(body: Body): ApprovalChange[] {
  if (body.approvalHistory) return ordered(body.approvalHistory);
  const year = approvalYear(body);
  const history: ApprovalChange[] = year === undefined ? [] : [{ status: 'approved', from: `${year}-01-01` }];
  if (body.approvalStatus !== 'approved' && body.approvalStatusDate !== undefined) {
    history.push({ status: body.approvalStatus, from: body.approvalStatusDate });
  }
  return ordered(history);
}

/**
 * The approval in force on `date` (YYYY-MM-DD): the last change effective on or before it. Before the
 * first change, a body whose history starts with its approval was not yet approved, one whose history
 * starts with a suspension or withdrawal was approved; a history without changes leaves the latest status
 * standing for every day.
 */
export function approvalOn(body: Body, date: string): ApprovalOnDay {
  const history = approvalHistoryOf(body);
  let current: ApprovalChange | undefined;
  for (const change of history) {
    if (change.from > date) break;
    current = change;
  }
  if (current) return { status: current.status, since: current.from };
  const first = history[0];
  if (first?.status === 'approved') return { status: 'not-yet-approved', approvedFrom: first.from };
  // A history that starts with a suspension or withdrawal: approved before it.
  return first ? { status: 'approved' } : { status: body.approvalStatus };
}

/** Days from `from` until `to` (excluded); `to` absent: open-ended. */
export interface ApprovalWindow {
  from: string;
  to?: string;
}

/**
 * The body with `change` added to its history (a change on the same day replaces the one there), its
 * latest status and date following the history, and the window whose approval may now read differently:
 * from the change's day until the next change after it.
 */
export function withApprovalChange(
  body: Body,
  change: ApprovalChange,
): { body: Body; window: ApprovalWindow } {
  const history = ordered([...approvalHistoryOf(body).filter((c) => c.from !== change.from), change]);
  const latest = history[history.length - 1] as ApprovalChange;
  const next = history.find((c) => c.from > change.from);
  return {
    body: {
      ...body,
      approvalHistory: history,
      approvalStatus: latest.status,
      approvalStatusDate: latest.from,
    },
    window: next ? { from: change.from, to: next.from } : { from: change.from },
  };
}
