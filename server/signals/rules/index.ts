/**
 * Every risk rule, by trigger. Adding a rule: write its module in this folder (one `Rule`), its test
 * under test/signals/rules/, and add it to one list here; nothing else changes.
 */
import { clonedQrRule } from './cloned-qr';
import { nonValidScannedRule } from './non-valid-scanned';
import { auditorOverlapRule } from './auditor-overlap';
import { auditorExpiredRule } from './auditor-expired';
import { auditorUnqualifiedRule } from './auditor-unqualified';
import { auditorUnregisteredRule } from './auditor-unregistered';
import { banPeriodHoppingRule } from './ban-period-hopping';
import { bodyScopeAtIssueRule } from './body-scope-at-issue';
import { bodyVolumeOutlierRule } from './body-volume-outlier';
import { issuedBeforeAuditEndRule } from './issued-before-audit-end';
import { manDaysMinimumRule } from './man-days-minimum';
import { manDaysPaddedRule } from './man-days-padded';
import { outOfScopeAttemptRule } from './out-of-scope-attempt';
import type { ScanRule, UploadRule } from './rule';

/** Run on each stored batch of an upload (and single writes). */
export const UPLOAD_RULES: readonly UploadRule[] = [
  issuedBeforeAuditEndRule,
  manDaysMinimumRule,
  manDaysPaddedRule,
  bodyScopeAtIssueRule,
  auditorOverlapRule,
  banPeriodHoppingRule,
  bodyVolumeOutlierRule,
  outOfScopeAttemptRule,
  auditorUnregisteredRule,
  auditorExpiredRule,
  auditorUnqualifiedRule,
];

/**
 * Run again over a body's certificates issued in the window a change of its approval history affects
 * (the rules that read the approval on the issue date).
 */
export const APPROVAL_RULES: readonly UploadRule[] = [bodyScopeAtIssueRule];

/** Run on each recorded scan. */
export const SCAN_RULES: readonly ScanRule[] = [nonValidScannedRule, clonedQrRule];
