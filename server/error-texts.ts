/**
 * The text of every published error code, in Chinese and English, gathered from the features' own texts
 * (`*-texts.ts`). Typed over ErrorCode, so a code added to platform/errors.ts does not compile until a
 * feature gives it both texts. Plain data: pages and the browser client use the same table.
 */
import { CERTIFICATE_ERROR_TEXT } from './certificates/certificate-texts';
import { DISHONESTY_ERROR_TEXT } from './dishonesty/dishonesty-texts';
import { BODY_ERROR_TEXT } from './bodies/body-texts';
import { UPLOAD_ERROR_TEXT } from './uploads/upload-texts';
import { QR_ERROR_TEXT } from './qr/qr-texts';
import { INSPECTOR_ERROR_TEXT } from './inspectors/inspector-texts';
import { DRAW_ERROR_TEXT } from './draws/draw-texts';
import { SIGNAL_ERROR_TEXT } from './signals/signal-texts';
import { TIP_ERROR_TEXT } from './tips/tip-texts';
import { CASE_ERROR_TEXT } from './cases/case-texts';
import { RECEIPT_ERROR_TEXT } from './receipts/receipt-texts';
import { AUDIT_ERROR_TEXT } from './audit/audit-texts';
import { AUDITOR_ERROR_TEXT } from './auditors/auditor-texts';
import { OPEN_DATA_ERROR_TEXT } from './opendata/opendata-texts';
import type { AppError, ErrorCode } from './platform/errors';
import { PLATFORM_ERROR_TEXT, type Lang } from './platform/i18n';

export const ERROR_TEXT: Record<ErrorCode, Record<Lang, string>> = {
  ...PLATFORM_ERROR_TEXT,
  ...CERTIFICATE_ERROR_TEXT,
  ...DISHONESTY_ERROR_TEXT,
  ...BODY_ERROR_TEXT,
  ...UPLOAD_ERROR_TEXT,
  ...QR_ERROR_TEXT,
  ...INSPECTOR_ERROR_TEXT,
  ...DRAW_ERROR_TEXT,
  ...SIGNAL_ERROR_TEXT,
  ...TIP_ERROR_TEXT,
  ...CASE_ERROR_TEXT,
  ...RECEIPT_ERROR_TEXT,
  ...AUDIT_ERROR_TEXT,
  ...AUDITOR_ERROR_TEXT,
  ...OPEN_DATA_ERROR_TEXT,
};

export function errorText(code: ErrorCode, lang: Lang): string {
  return ERROR_TEXT[code][lang];
}

/** What a list of missing columns adds to the code's text (the columns are named in both languages). */
const MISSING: Record<Lang, (columns: string) => string> = {
  zh: (columns) => `缺少：${columns}。`,
  en: (columns) => ` Missing: ${columns}.`,
};

/**
 * The `detail` of a problem answer for a reader of `lang` (platform/http.ts errorHandler). An error's
 * message is kept when it is written in that language: in English, the particulars (the field, the
 * limit); a feature's own localised words (an upload's summary). Otherwise the code's text in `lang`,
 * never the English sentence, with the missing columns when that is the trouble: every other particular
 * stays in the problem's structured members (`errors`, `field`, limits).
 */
export function problemDetail(error: AppError, lang: Lang): string {
  if (error.lang === lang) return error.message;
  const text = errorText(error.code, lang);
  const missing = error.details?.missing;
  const columns = Array.isArray(missing) ? missing.filter((m): m is string => typeof m === 'string') : [];
  return columns.length > 0 ? `${text}${MISSING[lang](columns.join(lang === 'zh' ? '；' : '; '))}` : text;
}
