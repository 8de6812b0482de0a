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
  INSPECTOR_LINK_NOT_ALLOWED: {
    zh: '只有检查人员令牌可以关联检查人员（inspectorId 仅用于 inspector 角色）。',
    en: 'Only an inspector token can be linked to an inspector (inspectorId goes with role inspector only).',
  },
} satisfies ErrorTexts<
  'INVALID_BODY_CODE' | 'TOKEN_NOT_FOUND' | 'BODY_NOT_FOUND' | 'BODY_EXISTS' | 'INSPECTOR_LINK_NOT_ALLOWED'
>;
