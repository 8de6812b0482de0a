/**
 * The machinery of the two languages (Chinese by default, English on request) and the words every page
 * shares. Each feature keeps its own texts beside its code (`*-texts.ts`); the text of every error code
 * is gathered from them in server/error-texts.ts. Only plain data and pure functions here (type-only
 * imports), so the browser client bundles the same tables. Every text is plain text: renderers escape
 * it, so no message may carry markup.
 */
import type { ErrorCode } from './errors';

export const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'zh';

/** `zh` or `en` when the value names one of them (any case), else undefined. */
export function asLang(value: unknown): Lang | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  return (LANGS as readonly string[]).includes(lower) ? (lower as Lang) : undefined;
}

/**
 * The supported language the Accept-Language header prefers most (RFC 9110 q-values; ties go to the
 * earlier entry), or undefined when it names neither. `zh-CN`, `zh-Hant`, `en-GB` count as their
 * primary language; `*` says nothing about which one, so it is ignored.
 */
export function langFromAcceptLanguage(header: string | undefined): Lang | undefined {
  if (!header) return undefined;
  let best: { lang: Lang; q: number } | undefined;
  // A bounded number of entries: the header is client input.
  for (const entry of header.split(',').slice(0, 32)) {
    const [tag = '', ...params] = entry.split(';').map((p) => p.trim());
    const lang = asLang(tag.split('-')[0]);
    if (!lang) continue;
    let q = 1;
    for (const param of params) {
      if (!/^q=/i.test(param)) continue;
      // A malformed weight makes the entry unusable rather than silently worth 1.
      q = /^q=[01](?:\.\d{0,3})?$/i.test(param) ? Number(param.slice(2)) : 0;
    }
    if (q > 0 && q <= 1 && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang;
}

/** The page language: an explicit `lang=zh|en` query wins, then Accept-Language, then Chinese. */
export function pickLang(queryLang: unknown, acceptLanguage: string | undefined): Lang {
  return asLang(queryLang) ?? langFromAcceptLanguage(acceptLanguage) ?? DEFAULT_LANG;
}

/** One failing field of a request, as platform/http.ts parseInput reads it from the schema's issue. */
export interface FieldIssue {
  /** The schema's issue kind (`too_small`, `invalid_type`, ...). */
  code: string;
  /** What was checked: `string`, `number`, `array`, ... */
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  /** Unknown parameters or fields. */
  keys?: readonly string[];
  /** The values allowed. */
  values?: readonly unknown[];
  /** Nothing was given. */
  missing?: boolean;
  /** The error code a check declares (`INVALID_CHARACTERS`, ...). */
  errorCode?: string;
}

/**
 * What a failing field says in Chinese, in the terms of its check (the English is the schema's own
 * message). A check that declares a platform code says that code's text.
 */
export function fieldIssueZh(issue: FieldIssue): string {
  const list = (items: readonly unknown[] = []) => items.map(String).join('、');
  const n = (value: number | bigint | undefined) => String(value ?? '');
  const many = issue.origin === 'array' || issue.origin === 'set';
  switch (issue.code) {
    case 'unrecognized_keys':
      return `不支持的参数或字段：${list(issue.keys)}。`;
    case 'invalid_type':
      return issue.missing ? '必须填写。' : '类型不正确。';
    case 'too_small':
      if (issue.origin === 'string')
        return Number(issue.minimum) <= 1 ? '不能为空。' : `至少 ${n(issue.minimum)} 个字符。`;
      return many ? `至少 ${n(issue.minimum)} 项。` : `不能小于 ${n(issue.minimum)}。`;
    case 'too_big':
      if (issue.origin === 'string') return `最多 ${n(issue.maximum)} 个字符。`;
      return many ? `最多 ${n(issue.maximum)} 项。` : `不能大于 ${n(issue.maximum)}。`;
    case 'invalid_value':
      return issue.values?.length ? `取值无效，可选：${list(issue.values)}。` : '取值无效。';
    case 'invalid_format':
      return '格式不正确。';
    default: {
      const declared = PLATFORM_ERROR_TEXT[issue.errorCode as keyof typeof PLATFORM_ERROR_TEXT];
      return declared ? declared.zh : '取值无效。';
    }
  }
}

/** The texts of one feature's error codes, in both languages. */
export type ErrorTexts<C extends ErrorCode> = Record<C, Record<Lang, string>>;

/** The words every page shares: the frame, punctuation, paging and error pages. */
export interface CommonTexts {
  /** `<html lang>` value. */
  htmlLang: string;
  /** Name of this language, in itself (for the switch link of the other language). */
  languageName: string;
  siteName: string;
  tagline: string;
  skipToContent: string;
  /** A report time shown in China time with its age: `when` is `YYYY-MM-DD HH:MM` (UTC+8). */
  reportedAt: (when: string, days: number) => string;
  /** `label: value` punctuation (full-width in Chinese). */
  colon: string;
  /** A parenthetical remark after a value (full-width in Chinese). */
  aside: (text: string) => string;
  pageOf: (page: number, pages: number) => string;
  previousPage: string;
  nextPage: string;
  firstPage: string;
  errorTitle: string;
  errorStatusTitle: (status: number) => string;
  /** An address that is no page of the portal. */
  pageNotFoundTitle: string;
  /** Too many requests: how long to wait (seconds). */
  rateLimitedTitle: string;
  retryAfter: (seconds: number) => string;
  /** The operator's identity in every page's footer. */
  operatedBy: (name: string) => string;
  hotlineLabel: string;
  tryAgain: string;
  backHome: string;
  footer: string;
  /** The site navigation in every page's footer: public lists and figures. */
  siteNav: { label: string; home: string; dishonesty: string; draws: string; stats: string };
}

export const COMMON_TEXTS: Record<Lang, CommonTexts> = {
  zh: {
    htmlLang: 'zh-CN',
    languageName: '中文',
    siteName: '认证证书查验',
    tagline: '扫码或输入证书编号，核实认证证书是否真实有效',
    skipToContent: '跳到正文',
    reportedAt: (when, days) => `${when}（北京时间，${days <= 0 ? '今天' : `${days} 天前`}）`,
    colon: '：',
    aside: (text) => `（${text}）`,
    pageOf: (page, pages) => `第 ${page} 页，共 ${pages} 页`,
    previousPage: '上一页',
    nextPage: '下一页',
    firstPage: '回到第一页',
    errorTitle: '无法完成查询',
    errorStatusTitle: (status) => (status >= 500 ? '系统暂时出错' : '无法完成查询'),
    pageNotFoundTitle: '页面不存在',
    rateLimitedTitle: '查询过于频繁',
    retryAfter: (seconds) => `请在 ${seconds} 秒后再试。`,
    operatedBy: (name) => `主办单位：${name}`,
    hotlineLabel: '投诉举报电话',
    tryAgain: '请修改后重新查询：',
    backHome: '返回首页',
    footer: '数据来自认证机构报送的认证证书登记库。',
    siteNav: {
      label: '公开信息',
      home: '证书查验',
      dishonesty: '失信名单',
      draws: '双随机抽查结果',
      stats: '统计数据',
    },
  },
  en: {
    htmlLang: 'en',
    languageName: 'English',
    siteName: 'Certificate check',
    tagline: 'Scan the code or type the certificate number to see whether a certificate is genuine and valid',
    skipToContent: 'Skip to content',
    reportedAt: (when, days) =>
      `${when} (China time, ${days <= 0 ? 'today' : days === 1 ? '1 day ago' : `${days} days ago`})`,
    colon: ': ',
    aside: (text) => ` (${text})`,
    pageOf: (page, pages) => `Page ${page} of ${pages}`,
    previousPage: 'Previous',
    nextPage: 'Next',
    firstPage: 'Back to the first page',
    errorTitle: 'The lookup could not be done',
    errorStatusTitle: (status) => (status >= 500 ? 'Something went wrong' : 'The lookup could not be done'),
    pageNotFoundTitle: 'Page not found',
    rateLimitedTitle: 'Too many requests',
    retryAfter: (seconds) => `Please try again in ${seconds} seconds.`,
    operatedBy: (name) => `Run by ${name}`,
    hotlineLabel: 'Complaints hotline',
    tryAgain: 'Correct it and try again:',
    backHome: 'Home',
    footer: 'Data from the certificate registry reported by certifying bodies.',
    siteNav: {
      label: 'Public information',
      home: 'Check a certificate',
      dishonesty: 'Dishonesty list',
      draws: 'Random inspection results',
      stats: 'Statistics',
    },
  },
};

/** Errors any route can answer: input shape, authentication, limits and failures. */
export const PLATFORM_ERROR_TEXT = {
  VALIDATION_FAILED: {
    zh: '输入有误，请检查后重试。',
    en: 'The input is not valid; check it and try again.',
  },
  INVALID_QUERY: {
    zh: '查询参数有误或包含不支持的参数。',
    en: 'The query has unknown or malformed parameters.',
  },
  INVALID_CREDIT_CODE: {
    zh: '统一社会信用代码不正确（校验位不符）。',
    en: 'Not a valid unified social credit code (the check character does not match).',
  },
  INVALID_CHARACTERS: {
    zh: '输入包含控制字符或不可见字符。',
    en: 'The input contains control or invisible characters.',
  },
  INVALID_PAGE: {
    zh: '页码或每页条数无效；搜索结果最多显示前 500 条，更多请缩小查询范围。',
    en: 'Invalid page or page size; search results stop at 500, so narrow a search instead of paging deeper.',
  },
  INVALID_CURSOR: {
    zh: '翻页位置无效或已损坏，请从第一页重新开始。',
    en: 'The page position (cursor) is not valid; start again from the first page.',
  },
  MALFORMED_JSON: {
    zh: '请求内容不是有效的 JSON。',
    en: 'The request body is not valid JSON.',
  },
  MALFORMED_URL: {
    zh: '链接格式不正确（包含无效的编码），请核对链接是否完整。',
    en: 'The link is malformed (it has an invalid encoding); check that it is complete.',
  },
  UNAUTHENTICATED: {
    zh: '需要有效的访问令牌。',
    en: 'A valid access token is required.',
  },
  FORBIDDEN: {
    zh: '当前身份无权执行此操作。',
    en: 'Your role may not do this.',
  },
  ROUTE_NOT_FOUND: {
    zh: '页面或接口不存在。',
    en: 'No such page or API route.',
  },
  METHOD_NOT_ALLOWED: {
    zh: '不支持此请求方法。',
    en: 'This request method is not allowed here.',
  },
  PAYLOAD_TOO_LARGE: {
    zh: '提交的内容过大。',
    en: 'The request is too large.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    zh: '不支持的内容类型或编码。',
    en: 'The content type or encoding is not supported.',
  },
  RATE_LIMITED: {
    zh: '请求过于频繁，请稍后再试。',
    en: 'Too many requests; wait a moment and try again.',
  },
  INTERNAL_ERROR: {
    zh: '系统出错，请稍后重试。',
    en: 'Something went wrong on our side; please try again.',
  },
  SERVICE_UNAVAILABLE: {
    zh: '服务暂时不可用，请稍后重试。',
    en: 'The service is temporarily unavailable; please try again later.',
  },
  STORE_UNAVAILABLE: {
    zh: '证书登记库暂时无法访问，请稍后重试。',
    en: 'The certificate registry cannot be reached right now; please try again in a moment.',
  },
} satisfies ErrorTexts<
  | 'VALIDATION_FAILED'
  | 'INVALID_QUERY'
  | 'INVALID_CREDIT_CODE'
  | 'INVALID_CHARACTERS'
  | 'INVALID_PAGE'
  | 'INVALID_CURSOR'
  | 'MALFORMED_JSON'
  | 'MALFORMED_URL'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'ROUTE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'INTERNAL_ERROR'
  | 'SERVICE_UNAVAILABLE'
  | 'STORE_UNAVAILABLE'
>;
