/**
 * Every risk rule, by trigger. Adding a rule: write its module in this folder (one `Rule`), its test
 * under test/supervision/rules/, and add it to one list here; nothing else changes.
 */
import type { ScanRule, UploadRule } from './rule';

/** Run on each stored batch of an upload (and single writes). */
export const UPLOAD_RULES: readonly UploadRule[] = [];

/** Run on each recorded scan. */
export const SCAN_RULES: readonly ScanRule[] = [];
