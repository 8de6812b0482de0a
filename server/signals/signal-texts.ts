/** Texts of risk signals, in Chinese and English. */
import type { ErrorTexts } from '../platform/i18n';

/** Errors of risk signals. */
export const SIGNAL_ERROR_TEXT = {
  INVALID_SIGNAL_ID: {
    zh: '风险信号编号格式不正确（22 位字母、数字、- 或 _）。',
    en: 'The signal id is malformed (22 letters, digits, - or _).',
  },
  SIGNAL_NOT_FOUND: {
    zh: '没有这个风险信号。',
    en: 'No such risk signal.',
  },
  SIGNAL_IN_CASE: {
    zh: '该风险信号已并入案件，由案件处理决定其结果。',
    en: 'This signal is part of a case; the case decides it.',
  },
} satisfies ErrorTexts<'INVALID_SIGNAL_ID' | 'SIGNAL_NOT_FOUND' | 'SIGNAL_IN_CASE'>;
