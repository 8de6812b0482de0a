/** Texts of the audit log and its transparency (checkpoints, proofs, witnesses), in Chinese and English. */
import type { ErrorTexts } from '../platform/i18n';

/** Errors of proofs, checkpoints and witnesses. */
export const AUDIT_ERROR_TEXT = {
  INVALID_WITNESS_KEY: {
    zh: '见证方公钥格式不正确（应为“名称+8位十六进制密钥编号+Base64 公钥”，由 npm run witness -- --new-key 生成）。',
    en: 'The witness key is malformed (it is name+8 hex digits+base64 key, as npm run witness -- --new-key prints it).',
  },
  INVALID_CHECKPOINT: {
    zh: '提交的内容不是本平台审计日志签发的检查点（格式不对，或缺少本日志的有效签名）。',
    en: 'What was sent is not a checkpoint signed by this audit log (malformed, or without a valid signature of the log).',
  },
  NO_VALID_COSIGNATURE: {
    zh: '检查点上没有已登记见证方的有效联署签名（签名错误、公钥未登记，或时间超前）。',
    en: 'The checkpoint carries no valid cosignature of a registered witness (bad signature, unregistered key, or a time in the future).',
  },
  AUDIT_SIZE_BEYOND_LOG: {
    zh: '审计日志尚未达到所请求的条目数。',
    en: 'The audit log does not have that many entries yet.',
  },
  WITNESS_NOT_FOUND: {
    zh: '没有登记该名称的见证方。',
    en: 'No witness of that name is registered.',
  },
  WITNESS_EXISTS: {
    zh: '已登记同名的见证方。',
    en: 'A witness of that name is registered already.',
  },
  CHECKPOINT_NOT_IN_LOG: {
    zh: '该检查点与本日志在同一规模下的树根不一致：它对应另一段历史。',
    en: 'This checkpoint is not the log’s tree at that size: it belongs to another history.',
  },
} satisfies ErrorTexts<
  | 'INVALID_WITNESS_KEY'
  | 'INVALID_CHECKPOINT'
  | 'NO_VALID_COSIGNATURE'
  | 'AUDIT_SIZE_BEYOND_LOG'
  | 'WITNESS_NOT_FOUND'
  | 'WITNESS_EXISTS'
  | 'CHECKPOINT_NOT_IN_LOG'
>;
