/** Texts of QR codes and the scan check, in Chinese and English. */
import type { ErrorTexts } from '../platform/i18n';

/** Errors of the scan check. */
export const QR_ERROR_TEXT = {
  SCAN_TEXT_EMPTY: {
    zh: '没有读到内容。请重新扫描二维码，或输入证书编号。',
    en: 'Nothing was read. Scan the QR code again, or type the certificate number.',
  },
  SCAN_TEXT_TOO_LONG: {
    zh: '读到的内容过长（最多 4096 个字符），不是本平台的二维码。',
    en: 'What was read is too long (4096 characters at most); it is not a CertWatch code.',
  },
} satisfies ErrorTexts<'SCAN_TEXT_EMPTY' | 'SCAN_TEXT_TOO_LONG'>;
