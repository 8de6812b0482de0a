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
import type { ErrorCode } from './platform/errors';
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
