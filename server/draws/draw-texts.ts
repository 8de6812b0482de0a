/** Texts of random inspection draws, in Chinese and English. */
import type { ErrorTexts } from '../platform/i18n';

/** Errors of random inspection draws. */
export const DRAW_ERROR_TEXT = {
  INVALID_DRAW_ID: {
    zh: '抽查编号格式不正确（DR 加 16 位字母或数字 2-7）。',
    en: 'The draw id is malformed (DR and 16 letters or digits 2-7).',
  },
  DRAW_ENTROPY_MISMATCH: {
    zh: '外部随机数与抽查计划不符：计划指定了公开随机源时必须提供其数值，未指定时不得提供。',
    en: 'External entropy does not match the plan: give the value exactly when the plan names a public source.',
  },
  DRAW_NOT_FOUND: {
    zh: '没有这个抽查计划。',
    en: 'No such inspection draw.',
  },
  DRAW_ALREADY_EXECUTED: {
    zh: '该抽查计划已经执行过，每个计划只能抽取一次。',
    en: 'This draw has already been executed; a plan is drawn only once.',
  },
  DRAW_NOT_EXECUTED: {
    zh: '该抽查计划尚未执行，还没有抽查对象。',
    en: 'This draw has not been executed yet, so it has no targets.',
  },
  DRAW_POPULATION_EMPTY: {
    zh: '没有符合抽查范围条件的对象。',
    en: 'No entity matches the population filter.',
  },
  DRAW_POPULATION_TOO_LARGE: {
    zh: '抽查对象名录过大，请缩小范围（认证项目、机构、地区）或分成多个计划。',
    en: 'The population is too large; narrow it (schemes, bodies, division) or split the plan.',
  },
  DRAW_RATE_MISSING: {
    zh: '抽查对象中有未设定抽查比例的信用等级。',
    en: 'The population has a credit level the plan gives no sampling rate for.',
  },
  DRAW_TOO_FEW_INSPECTORS: {
    zh: '可选派的检查人员不足（已排除需回避的人员），无法为每个对象抽取规定人数。',
    en: 'Too few inspectors without a conflict of interest to draw the required number per target.',
  },
  DRAW_NOT_A_TARGET: {
    zh: '该对象不在本次抽查结果中。',
    en: 'This entity was not drawn in this draw.',
  },
} satisfies ErrorTexts<
  | 'INVALID_DRAW_ID'
  | 'DRAW_ENTROPY_MISMATCH'
  | 'DRAW_NOT_FOUND'
  | 'DRAW_ALREADY_EXECUTED'
  | 'DRAW_NOT_EXECUTED'
  | 'DRAW_POPULATION_EMPTY'
  | 'DRAW_POPULATION_TOO_LARGE'
  | 'DRAW_RATE_MISSING'
  | 'DRAW_TOO_FEW_INSPECTORS'
  | 'DRAW_NOT_A_TARGET'
>;
