/** Texts of flags and cases, in Chinese and English. */
import type { ErrorTexts } from '../platform/i18n';

/** Errors of flags and cases. */
export const CASE_ERROR_TEXT = {
  INVALID_FLAG_ID: {
    zh: '标记编号格式不正确（22 位字母、数字、- 或 _）。',
    en: 'The flag id is malformed (22 letters, digits, - or _).',
  },
  INVALID_CASE_ID: {
    zh: '案件编号格式不正确（22 位字母、数字、- 或 _）。',
    en: 'The case id is malformed (22 letters, digits, - or _).',
  },
  FLAG_NOT_FOUND: {
    zh: '没有这个标记。',
    en: 'No such flag.',
  },
  CASE_NOT_FOUND: {
    zh: '没有这个案件。',
    en: 'No such case.',
  },
  CASE_DECIDED: {
    zh: '该案件已作出处理决定，不能再修改。',
    en: 'This case has been decided; a decided case is final.',
  },
  CASE_CHANGED: {
    zh: '案件在此期间已被他人修改，请刷新后重试。',
    en: 'The case was changed meanwhile; reload it and try again.',
  },
  ITEM_IN_OTHER_CASE: {
    zh: '该线索、信号或标记已并入另一个案件。',
    en: 'This tip, signal or flag belongs to another case.',
  },
  NOT_IN_CASE: {
    zh: '该项不属于本案件，请先将其关联到案件。',
    en: 'This item is not part of the case; link it first.',
  },
} satisfies ErrorTexts<
  | 'INVALID_FLAG_ID'
  | 'INVALID_CASE_ID'
  | 'FLAG_NOT_FOUND'
  | 'CASE_NOT_FOUND'
  | 'CASE_DECIDED'
  | 'CASE_CHANGED'
  | 'ITEM_IN_OTHER_CASE'
  | 'NOT_IN_CASE'
>;
