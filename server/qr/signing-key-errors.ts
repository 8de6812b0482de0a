/**
 * Why a configured signing key list (QR_SIGNING_KEYS, RECEIPT_SIGNING_KEYS, AUDIT_LOG_SIGNING_KEYS) or key
 * cannot be used: a stable code and the text in Chinese and English. `message` is the English text, as
 * before; the server at start-up and the CLIs print `text(lang)`. No text carries key material.
 */
import type { Lang } from '../platform/i18n';
import { StartupRefusal } from '../platform/locale';

export type KeyFileErrorCode =
  | 'KEY_FILE_UNREADABLE'
  | 'KEY_LIST_NOT_JSON'
  | 'KEY_LIST_EMPTY'
  | 'KEY_NOT_PKCS8'
  | 'KEY_NOT_ED25519'
  | 'KEY_UNUSABLE'
  | 'NO_ACTIVE_KEY';

export interface KeyFileErrorParams {
  /** The variable (QR_SIGNING_KEYS, ...). */
  envName?: string;
  /** The file, or the variable, holding the list; undefined: the variable's value itself. */
  where?: string;
  /** 1-based position of the key in the list. */
  index?: number;
  /** The ring's purpose (QR, receipt, ...). */
  purpose?: string;
  /** An errno code (ENOENT, EACCES). */
  detail?: string;
  /** Why the key at `index` is unusable. */
  inner?: Error;
}

const innerText = (inner: Error | undefined, lang: Lang) =>
  inner instanceof StartupRefusal ? inner.text(lang) : (inner?.message ?? '');

const TEXTS: Record<Lang, Record<KeyFileErrorCode, (p: KeyFileErrorParams) => string>> = {
  zh: {
    KEY_FILE_UNREADABLE: (p) => `${p.envName}：文件 ${p.where} 无法读取（${p.detail}）`,
    KEY_LIST_NOT_JSON: (p) => `${p.envName}：${p.where ?? '该取值'}不是由 PKCS8 PEM 字符串组成的 JSON 数组`,
    KEY_LIST_EMPTY: (p) =>
      `${p.envName}：${p.where ?? '该取值'}必须是由 PKCS8 PEM 字符串组成的非空 JSON 数组`,
    KEY_NOT_PKCS8: () => '不是 PKCS8 PEM 私钥',
    KEY_NOT_ED25519: () => '不是 Ed25519 密钥',
    KEY_UNUSABLE: (p) => `${p.envName}：${p.where} 中的第 ${p.index} 把密钥：${innerText(p.inner, 'zh')}`,
    NO_ACTIVE_KEY: (p) => `${p.where} 中没有可用的 ${p.purpose} 签名密钥（active）`,
  },
  en: {
    KEY_FILE_UNREADABLE: (p) => `${p.envName}: the file ${p.where} cannot be read (${p.detail})`,
    KEY_LIST_NOT_JSON: (p) =>
      `${p.envName}: ${p.where ?? 'the value'} is not a JSON array of PKCS8 PEM strings`,
    KEY_LIST_EMPTY: (p) =>
      `${p.envName}: ${p.where ?? 'the value'} must be a non-empty JSON array of PKCS8 PEM strings`,
    KEY_NOT_PKCS8: () => 'not a PKCS8 PEM private key',
    KEY_NOT_ED25519: () => 'not an Ed25519 key',
    KEY_UNUSABLE: (p) => `${p.envName}: key ${p.index} of ${p.where}: ${innerText(p.inner, 'en')}`,
    NO_ACTIVE_KEY: (p) => `no usable active ${p.purpose} signing key in ${p.where}`,
  },
};

export class KeyFileError extends StartupRefusal {
  constructor(
    readonly code: KeyFileErrorCode,
    readonly params: KeyFileErrorParams = {},
  ) {
    super(TEXTS.en[code](params), params.inner ? { cause: params.inner } : undefined);
  }

  text(lang: Lang): string {
    return TEXTS[lang][this.code](this.params);
  }
}
