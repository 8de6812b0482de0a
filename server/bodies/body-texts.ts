/** Texts of certifying bodies and API tokens, in Chinese and English. */
import type { ErrorTexts } from '../platform/i18n';

/** Errors of the certifying-body directory and API tokens. */
export const BODY_ERROR_TEXT = {
  INVALID_BODY_CODE: {
    zh: '认证机构代码格式不正确（2 至 32 位字母、数字或 -）。',
    en: 'The certifying body code is not valid (2 to 32 letters, digits or -).',
  },
  TOKEN_NOT_FOUND: {
    zh: '没有这个访问令牌。',
    en: 'No such access token.',
  },
  BODY_NOT_FOUND: {
    zh: '没有这个代码的认证机构。',
    en: 'No certifying body has this code.',
  },
  BODY_EXISTS: {
    zh: '已有使用该代码的认证机构。',
    en: 'A certifying body with this code already exists.',
  },
} satisfies ErrorTexts<'INVALID_BODY_CODE' | 'TOKEN_NOT_FOUND' | 'BODY_NOT_FOUND' | 'BODY_EXISTS'>;
