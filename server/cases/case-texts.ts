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
  INVALID_ATTACHMENT_ID: {
    zh: '附件编号格式不正确（22 位字母、数字、- 或 _）。',
    en: 'The attachment id is malformed (22 letters, digits, - or _).',
  },
  INVALID_ATTACHMENT_NAME: {
    zh: '附件文件名不正确：需为 1 至 200 个字符的文件名（不含路径和控制字符）。',
    en: 'The attachment name is invalid: a file name of 1 to 200 characters, without a path or control characters.',
  },
  INVALID_ATTACHMENT: {
    zh: '附件格式不受支持：只接受 JPEG、PNG、WebP 照片或 PDF 文件（按文件内容判断，而非扩展名）。',
    en: 'This kind of file is not accepted: only JPEG, PNG or WebP photos and PDF documents (judged by the content, not the name).',
  },
  ATTACHMENT_EMPTY: {
    zh: '附件是空文件。',
    en: 'The attachment is an empty file.',
  },
  ATTACHMENT_TOO_LARGE: {
    zh: '附件过大（最大 8 MiB）。',
    en: 'The attachment is too large (8 MiB at most).',
  },
  ATTACHMENT_NOT_FOUND: {
    zh: '本案件没有这个附件。',
    en: 'This case has no such attachment.',
  },
} satisfies ErrorTexts<
  | 'INVALID_ATTACHMENT_ID'
  | 'INVALID_ATTACHMENT_NAME'
  | 'INVALID_ATTACHMENT'
  | 'ATTACHMENT_EMPTY'
  | 'ATTACHMENT_TOO_LARGE'
  | 'ATTACHMENT_NOT_FOUND'
  | 'INVALID_FLAG_ID'
  | 'INVALID_CASE_ID'
  | 'FLAG_NOT_FOUND'
  | 'CASE_NOT_FOUND'
  | 'CASE_DECIDED'
  | 'CASE_CHANGED'
  | 'ITEM_IN_OTHER_CASE'
  | 'NOT_IN_CASE'
>;
