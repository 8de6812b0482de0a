/** Texts of the inspector directory, in Chinese and English. */
import type { ErrorTexts } from '../platform/i18n';

/** Errors of the inspector directory and assignment. */
export const INSPECTOR_ERROR_TEXT = {
  INVALID_INSPECTOR_ID: {
    zh: '检查人员编号格式不正确（2 至 32 位字母、数字或 -）。',
    en: 'The inspector id is malformed (2 to 32 letters, digits or -).',
  },
  INSPECTOR_NOT_FOUND: {
    zh: '检查人员名录中没有此人。',
    en: 'No inspector of the directory has this id.',
  },
  INSPECTOR_EXISTS: {
    zh: '已有使用该编号的检查人员。',
    en: 'An inspector with this id already exists.',
  },
  INSPECTOR_CONFLICT: {
    zh: '该检查人员申报了与本案当事组织或认证机构的利益冲突，须回避，请指派其他人员。',
    en: 'This inspector declared a conflict of interest with a holder or body of the case and must recuse; assign someone else.',
  },
  INSPECTOR_INACTIVE: {
    zh: '该检查人员已停用，不能指派。',
    en: 'This inspector is inactive and cannot be assigned.',
  },
} satisfies ErrorTexts<
  | 'INVALID_INSPECTOR_ID'
  | 'INSPECTOR_NOT_FOUND'
  | 'INSPECTOR_EXISTS'
  | 'INSPECTOR_CONFLICT'
  | 'INSPECTOR_INACTIVE'
>;
