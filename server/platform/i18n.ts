/**
 * Languages of the public pages: Chinese by default, English on request. Only plain data and pure
 * functions here (type-only imports), so the browser client can bundle the same tables later.
 * Every text is plain text: renderers escape it, so no message may carry markup.
 */
import type { ApprovalStatus } from '../bodies/body-schema';
import type { Status } from '../certificates/certificate-schema';
import type { Severity, SubjectKind } from '../dishonesty/dishonesty-schema';
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

/** Text for one certificate status: the banner, the short badge in lists, and how to read it. */
export interface StatusText {
  badge: string;
  title: string;
  howToRead: string;
}

/** Every text of the public pages. Functions take the values they show; results are plain text. */
export interface Messages {
  /** `<html lang>` value. */
  htmlLang: string;
  /** Name of this language, in itself (for the switch link of the other language). */
  languageName: string;
  siteName: string;
  tagline: string;
  homeTitle: string;
  skipToContent: string;
  lookupHeading: string;
  lookupHint: string;
  numberLabel: string;
  bodyCodeLabel: string;
  optional: string;
  lookupButton: string;
  searchHeading: string;
  searchHint: string;
  searchLabel: string;
  searchButton: string;
  scannerHeading: string;
  scannerPlaceholder: string;
  registryFreshness: (when: string) => string;
  registryNeverReported: string;
  status: Record<Status, StatusText>;
  statusSince: (status: Status) => string;
  statusReason: string;
  reasonNotGiven: string;
  expiredReason: string;
  dateNotReported: string;
  certificateNumber: string;
  holderHeading: string;
  holderName: string;
  creditCode: string;
  address: string;
  scheme: string;
  scope: string;
  productModels: string;
  sites: string;
  issueDate: string;
  expiryDate: string;
  bodyHeading: string;
  bodyName: string;
  approvalNumber: string;
  approvalStatus: string;
  approval: Record<ApprovalStatus, string>;
  bodyLastReported: string;
  bodyNeverReported: string;
  bodyReportStale: (days: number) => string;
  warningBodyUnknown: string;
  warningBodyApproval: (status: Exclude<ApprovalStatus, 'approved'>, date: string | undefined) => string;
  warningIssuedAfterApprovalLost: string;
  warningHeading: string;
  howToReadHeading: string;
  recordUpdated: string;
  permanentLink: string;
  /** A report time shown in China time with its age: `when` is `YYYY-MM-DD HH:MM` (UTC+8). */
  reportedAt: (when: string, days: number) => string;
  /** `label: value` punctuation (full-width in Chinese). */
  colon: string;
  /** A parenthetical remark after a value (full-width in Chinese). */
  aside: (text: string) => string;
  notFoundTitle: string;
  notFoundLead: string;
  notFoundForged: string;
  notFoundNumber: (number: string) => string;
  notFoundBodyUnknown: (code: string) => string;
  notFoundBodyReported: (code: string, when: string) => string;
  notFoundAdvice: string;
  foundManyTitle: (count: number, number: string) => string;
  foundManyHint: string;
  searchTitle: (query: string) => string;
  searchTotal: (total: number, capped: boolean) => string;
  searchNone: string;
  searchPastEnd: string;
  pageOf: (page: number, pages: number) => string;
  previousPage: string;
  nextPage: string;
  firstPage: string;
  errorTitle: string;
  errorStatusTitle: (status: number) => string;
  tryAgain: string;
  backHome: string;
  footer: string;
  /** The dishonesty list page and the listing warning of a result page. */
  dishonesty: DishonestyMessages;
}

/** Texts about dishonesty records (失信记录) and the public list. */
export interface DishonestyMessages {
  listTitle: string;
  listLead: string;
  /** The filter links' label and their texts. */
  filterLabel: string;
  kindAll: string;
  kind: Record<SubjectKind, string>;
  severity: Record<Severity, string>;
  total: (total: number) => string;
  none: string;
  startDate: string;
  basis: string;
  facts: string;
  caseRef: string;
  earliestRepair: string;
  auditorBody: string;
  /** A repair under public notice: anyone may object until the end date. */
  repairNotice: (start: string, end: string) => string;
  repairStatement: string;
  /** The warning on a certificate's result page. */
  listingHeading: string;
  listingHolder: (name: string, since: string, severity: string) => string;
  listingBody: (name: string, since: string, severity: string) => string;
  listingAdvice: string;
  listLink: string;
}

const zh: Messages = {
  htmlLang: 'zh-CN',
  languageName: '中文',
  siteName: '认证证书查验',
  tagline: '扫码或输入证书编号，核实认证证书是否真实有效',
  homeTitle: '认证证书查验',
  skipToContent: '跳到正文',
  lookupHeading: '按证书编号查询',
  lookupHint: '证书编号由认证机构编制，不同机构的编号可能重复；填写机构代码可精确定位。',
  numberLabel: '证书编号',
  bodyCodeLabel: '认证机构代码',
  optional: '（选填）',
  lookupButton: '查询',
  searchHeading: '按组织名称或统一社会信用代码查询',
  searchHint: '可输入名称中的任意连续两个字以上，或完整的统一社会信用代码、证书编号。',
  searchLabel: '组织名称 / 统一社会信用代码',
  searchButton: '搜索',
  scannerHeading: '扫码查验',
  scannerPlaceholder: '用手机相机或微信扫描证书上的二维码即可打开查验结果。',
  registryFreshness: (when) => `认证机构最近一次报送数据：${when}`,
  registryNeverReported: '尚无认证机构报送数据。',
  status: {
    valid: {
      badge: '有效',
      title: '证书有效',
      howToRead:
        '登记库显示此证书有效。请核对下方持证组织名称、统一社会信用代码和认证范围是否与纸质证书一致；如不一致，证书可能被变造。',
    },
    suspended: {
      badge: '暂停',
      title: '证书已暂停，暂停期间无效',
      howToRead: '暂停期间证书不能作为有效认证使用；持证组织整改合格后可恢复。请勿以此证书作为有效凭证。',
    },
    revoked: {
      badge: '撤销',
      title: '证书已撤销，无效',
      howToRead: '撤销是最终状态，证书不再有效。继续使用此证书属于冒用，可向当地市场监管部门举报。',
    },
    withdrawn: {
      badge: '注销',
      title: '证书已注销，无效',
      howToRead: '注销是最终状态（如持证组织申请注销或停业），证书不再有效。',
    },
    expired: {
      badge: '过期',
      title: '证书已过期，无效',
      howToRead: '证书已超过有效期，不再有效。如持证组织已换发新证，请查询新证书编号。',
    },
  },
  statusSince: (status) =>
    ({
      valid: '日期',
      suspended: '暂停日期',
      revoked: '撤销日期',
      withdrawn: '注销日期',
      expired: '到期日期',
    })[status],
  statusReason: '原因',
  reasonNotGiven: '认证机构未说明原因',
  expiredReason: '已超过证书有效期',
  dateNotReported: '未报送',
  certificateNumber: '证书编号',
  holderHeading: '持证组织',
  holderName: '名称',
  creditCode: '统一社会信用代码',
  address: '地址',
  scheme: '认证项目',
  scope: '认证范围',
  productModels: '产品型号',
  sites: '认证场所',
  issueDate: '颁证日期',
  expiryDate: '有效期至',
  bodyHeading: '认证机构',
  bodyName: '名称',
  approvalNumber: '批准号',
  approvalStatus: '批准状态',
  approval: { approved: '批准有效', suspended: '批准已暂停', withdrawn: '批准已撤销' },
  bodyLastReported: '最近报送数据',
  bodyNeverReported: '从未报送数据',
  bodyReportStale: (days) => `该机构已 ${days} 天未报送数据，近期的状态变化可能尚未反映。`,
  warningHeading: '警告',
  warningBodyUnknown:
    '颁发此证书的认证机构不在认证机构名录中。这可能是假机构出具的证书，请向当地市场监管部门核实。',
  warningBodyApproval: (status, date) =>
    `该认证机构的批准${status === 'withdrawn' ? '已被撤销' : '已被暂停'}${date ? `（${date}）` : ''}。其出具的证书需向当地市场监管部门核实。`,
  warningIssuedAfterApprovalLost: '此证书的颁证日期在该机构批准被暂停或撤销之后。',
  howToReadHeading: '如何理解此结果',
  recordUpdated: '登记记录更新于',
  permanentLink: '此结果的固定链接',
  reportedAt: (when, days) => `${when}（北京时间，${days <= 0 ? '今天' : `${days} 天前`}）`,
  colon: '：',
  aside: (text) => `（${text}）`,
  notFoundTitle: '登记库中查无此证书',
  notFoundLead: '登记库中没有与此链接或编号对应的证书。',
  notFoundForged: '伪造的证书不会出现在登记库中。请勿把此证书当作有效认证。',
  notFoundNumber: (number) => `查询的证书编号：${number}`,
  notFoundBodyUnknown: (code) => `认证机构代码 ${code} 不在认证机构名录中。`,
  notFoundBodyReported: (code, when) => `认证机构 ${code} 最近一次报送数据：${when}`,
  notFoundAdvice:
    '刚颁发的证书可能尚未报送（机构最迟于次月 10 日前报送）。如有疑问，请联系发证机构或当地市场监管部门。',
  foundManyTitle: (count, number) => `编号 ${number} 对应 ${count} 张证书`,
  foundManyHint: '证书编号只在同一认证机构内唯一。请选择与纸质证书上的认证机构一致的一项。',
  searchTitle: (query) => `“${query}”的搜索结果`,
  searchTotal: (total, capped) => (capped ? `超过 ${total} 条结果，请缩小范围` : `共 ${total} 条结果`),
  searchNone: '没有找到匹配的证书。',
  searchPastEnd: '这一页没有更多结果。',
  pageOf: (page, pages) => `第 ${page} 页，共 ${pages} 页`,
  previousPage: '上一页',
  nextPage: '下一页',
  firstPage: '回到第一页',
  errorTitle: '无法完成查询',
  errorStatusTitle: (status) => (status >= 500 ? '系统暂时出错' : '无法完成查询'),
  tryAgain: '请修改后重新查询：',
  backHome: '返回首页',
  footer: '数据来自认证机构报送的认证证书登记库。',
  dishonesty: {
    listTitle: '失信名单',
    listLead:
      '经市场监管部门认定的认证领域失信主体：持证组织、认证机构和认证人员。信用修复后不再公示；认证人员只公示姓名和所在机构。',
    filterLabel: '按主体类型筛选',
    kindAll: '全部',
    kind: { organisation: '持证组织', body: '认证机构', auditor: '认证人员' },
    severity: { minor: '轻微失信', moderate: '一般失信', serious: '严重失信', grave: '特别严重失信' },
    total: (total) => `共 ${total} 条公示中的失信记录`,
    none: '目前没有公示中的失信记录。',
    startDate: '列入日期',
    basis: '认定依据',
    facts: '主要失信事实',
    caseRef: '案件编号',
    earliestRepair: '最早可申请信用修复日期',
    auditorBody: '所在认证机构',
    repairNotice: (start, end) =>
      `信用修复公示中：${start} 至 ${end}（5 个工作日）。公示期内如有异议，请向当地市场监管部门反映。`,
    repairStatement: '整改情况',
    listingHeading: '失信名单提示',
    listingHolder: (name, since, severity) =>
      `持证组织“${name}”自 ${since} 起被列入失信名单（${severity}）。`,
    listingBody: (name, since, severity) =>
      `发证的认证机构“${name}”自 ${since} 起被列入失信名单（${severity}）。`,
    listingAdvice: '请谨慎采信此证书，并可向当地市场监管部门核实。',
    listLink: '查看失信名单',
  },
};

const en: Messages = {
  htmlLang: 'en',
  languageName: 'English',
  siteName: 'Certificate check',
  tagline: 'Scan the code or type the certificate number to see whether a certificate is genuine and valid',
  homeTitle: 'Certificate check',
  skipToContent: 'Skip to content',
  lookupHeading: 'Look up by certificate number',
  lookupHint:
    'Certifying bodies choose their own numbers, so two bodies may use the same one; add the body code to narrow it down.',
  numberLabel: 'Certificate number',
  bodyCodeLabel: 'Certifying body code',
  optional: ' (optional)',
  lookupButton: 'Look up',
  searchHeading: 'Search by organisation name or credit code',
  searchHint:
    'Type any two or more consecutive characters of the name, or a full unified social credit code or certificate number.',
  searchLabel: 'Organisation name / unified social credit code',
  searchButton: 'Search',
  scannerHeading: 'Scan a QR code',
  scannerPlaceholder:
    "Scan the QR code on the certificate with your phone's camera or WeChat to open its result.",
  registryFreshness: (when) => `Latest data reported by a certifying body: ${when}`,
  registryNeverReported: 'No certifying body has reported data yet.',
  status: {
    valid: {
      badge: 'Valid',
      title: 'Certificate valid',
      howToRead:
        'The registry lists this certificate as valid. Check that the holder name, credit code and scope below match the paper certificate; if they differ, the certificate may have been altered.',
    },
    suspended: {
      badge: 'Suspended',
      title: 'Certificate suspended: not valid while suspended',
      howToRead:
        'A suspended certificate may not be used as a valid certification until the body reinstates it. Do not accept it as proof.',
    },
    revoked: {
      badge: 'Revoked',
      title: 'Certificate revoked: not valid',
      howToRead:
        'Revocation is final; the certificate is no longer valid. Using it anyway is misuse and can be reported to the local market regulation bureau.',
    },
    withdrawn: {
      badge: 'Withdrawn',
      title: 'Certificate withdrawn: not valid',
      howToRead:
        "Withdrawal is final (for example at the holder's request or on closure); the certificate is no longer valid.",
    },
    expired: {
      badge: 'Expired',
      title: 'Certificate expired: not valid',
      howToRead:
        'The certificate is past its expiry date and no longer valid. If the holder has a new certificate, look up its number.',
    },
  },
  statusSince: (status) =>
    ({
      valid: 'Date',
      suspended: 'Suspended on',
      revoked: 'Revoked on',
      withdrawn: 'Withdrawn on',
      expired: 'Expired on',
    })[status],
  statusReason: 'Reason',
  reasonNotGiven: 'not given by the certifying body',
  expiredReason: 'past its expiry date',
  dateNotReported: 'not reported',
  certificateNumber: 'Certificate number',
  holderHeading: 'Holder',
  holderName: 'Name',
  creditCode: 'Unified social credit code',
  address: 'Address',
  scheme: 'Scheme',
  scope: 'Scope',
  productModels: 'Product models',
  sites: 'Sites',
  issueDate: 'Issued',
  expiryDate: 'Valid until',
  bodyHeading: 'Certifying body',
  bodyName: 'Name',
  approvalNumber: 'Approval number',
  approvalStatus: 'Approval',
  approval: { approved: 'approved', suspended: 'approval suspended', withdrawn: 'approval withdrawn' },
  bodyLastReported: 'Last reported data',
  bodyNeverReported: 'never reported data',
  bodyReportStale: (days) =>
    `This body has not reported data for ${days} days: recent status changes may be missing.`,
  warningHeading: 'Warning',
  warningBodyUnknown:
    'The body that issued this certificate is not in the register of certifying bodies. It may come from a fake body: check with the local market regulation bureau.',
  warningBodyApproval: (status, date) =>
    `This certifying body's approval was ${status === 'withdrawn' ? 'withdrawn' : 'suspended'}${date ? ` on ${date}` : ''}. Check its certificates with the local market regulation bureau.`,
  warningIssuedAfterApprovalLost:
    "This certificate was issued after the body's approval was suspended or withdrawn.",
  howToReadHeading: 'How to read this',
  recordUpdated: 'Registry record updated',
  permanentLink: 'Permanent link to this result',
  reportedAt: (when, days) =>
    `${when} (China time, ${days <= 0 ? 'today' : days === 1 ? '1 day ago' : `${days} days ago`})`,
  colon: ': ',
  aside: (text) => ` (${text})`,
  notFoundTitle: 'Not in the registry',
  notFoundLead: 'No certificate in the registry matches this link or number.',
  notFoundForged: 'Forged certificates are not in the registry. Do not accept this certificate as valid.',
  notFoundNumber: (number) => `Number looked up: ${number}`,
  notFoundBodyUnknown: (code) => `No certifying body with code ${code} is registered.`,
  notFoundBodyReported: (code, when) => `Certifying body ${code} last reported data: ${when}`,
  notFoundAdvice:
    'A certificate issued very recently may not be reported yet (bodies report by the 10th of the following month). If in doubt, ask the certifying body or the local market regulation bureau.',
  foundManyTitle: (count, number) => `${count} certificates have the number ${number}`,
  foundManyHint:
    'Numbers are unique only within one certifying body. Pick the one whose body matches the paper certificate.',
  searchTitle: (query) => `Results for “${query}”`,
  searchTotal: (total, capped) =>
    capped ? `More than ${total} results: narrow the search` : `${total} result${total === 1 ? '' : 's'}`,
  searchNone: 'No certificate matches.',
  searchPastEnd: 'No more results on this page.',
  pageOf: (page, pages) => `Page ${page} of ${pages}`,
  previousPage: 'Previous',
  nextPage: 'Next',
  firstPage: 'Back to the first page',
  errorTitle: 'The lookup could not be done',
  errorStatusTitle: (status) => (status >= 500 ? 'Something went wrong' : 'The lookup could not be done'),
  tryAgain: 'Correct it and try again:',
  backHome: 'Home',
  footer: 'Data from the certificate registry reported by certifying bodies.',
  dishonesty: {
    listTitle: 'Dishonesty list',
    listLead:
      'Holders, certifying bodies and auditors found dishonest by the market regulation authority. Repaired records are no longer shown; auditors are shown by name and body only.',
    filterLabel: 'Filter by kind',
    kindAll: 'All',
    kind: { organisation: 'Holder organisations', body: 'Certifying bodies', auditor: 'Auditors' },
    severity: { minor: 'minor', moderate: 'moderate', serious: 'serious', grave: 'grave' },
    total: (total) => `${total} listed record${total === 1 ? '' : 's'}`,
    none: 'No record is listed at present.',
    startDate: 'Listed since',
    basis: 'Legal basis',
    facts: 'Facts',
    caseRef: 'Case reference',
    earliestRepair: 'Credit repair possible from',
    auditorBody: 'Certifying body',
    repairNotice: (start, end) =>
      `Credit repair under public notice from ${start} to ${end} (5 working days). Objections go to the local market regulation bureau.`,
    repairStatement: 'Rectification',
    listingHeading: 'On the dishonesty list',
    listingHolder: (name, since, severity) =>
      `The holder "${name}" is on the dishonesty list since ${since} (${severity}).`,
    listingBody: (name, since, severity) =>
      `The certifying body "${name}" is on the dishonesty list since ${since} (${severity}).`,
    listingAdvice:
      'Treat this certificate with caution; you can check with the local market regulation bureau.',
    listLink: 'See the dishonesty list',
  },
};

export const MESSAGES: Record<Lang, Messages> = { zh, en };

export function messagesFor(lang: Lang): Messages {
  return MESSAGES[lang];
}

/**
 * Text for every API error code, for pages and (later) the browser client. Typed over ErrorCode, so a
 * code added to errors.ts does not compile until it has both texts.
 */
export const ERROR_TEXT: Record<ErrorCode, Record<Lang, string>> = {
  VALIDATION_FAILED: {
    zh: '输入有误，请检查后重试。',
    en: 'The input is not valid; check it and try again.',
  },
  INVALID_QUERY: {
    zh: '查询参数有误或包含不支持的参数。',
    en: 'The query has unknown or malformed parameters.',
  },
  INVALID_PUBLIC_ID: {
    zh: '链接中的证书标识格式不正确。请重新扫描二维码，或核对链接是否完整。',
    en: 'The certificate id in this link is malformed. Scan the QR code again or check that the link is complete.',
  },
  INVALID_CERTIFICATE_NUMBER: {
    zh: '请输入证书编号（最多 64 个字符）。',
    en: 'Enter a certificate number (64 characters at most).',
  },
  INVALID_BODY_CODE: {
    zh: '认证机构代码格式不正确（2 至 32 位字母、数字或 -）。',
    en: 'The certifying body code is not valid (2 to 32 letters, digits or -).',
  },
  INVALID_CREDIT_CODE: {
    zh: '统一社会信用代码不正确（校验位不符）。',
    en: 'Not a valid unified social credit code (the check character does not match).',
  },
  INVALID_CHARACTERS: {
    zh: '输入包含控制字符或不可见字符。',
    en: 'The input contains control or invisible characters.',
  },
  QUERY_TOO_SHORT: {
    zh: '请至少输入名称中的两个字，或完整的编号。',
    en: 'Type at least two characters of the name, or a full number.',
  },
  QUERY_TOO_LONG: {
    zh: '查询内容过长（最多 100 个字符）。',
    en: 'The query is too long (100 characters at most).',
  },
  UNKNOWN_SCHEME: {
    zh: '认证项目代码不在已知的认证项目之列。',
    en: 'The scheme code is not one of the known certification schemes.',
  },
  INVALID_PAGE: {
    zh: '页码无效。结果最多显示前 500 条，请缩小查询范围。',
    en: 'Invalid page. Results stop at 500; narrow the search instead.',
  },
  MALFORMED_JSON: {
    zh: '请求内容不是有效的 JSON。',
    en: 'The request body is not valid JSON.',
  },
  MALFORMED_URL: {
    zh: '链接格式不正确（包含无效的编码），请核对链接是否完整。',
    en: 'The link is malformed (it has an invalid encoding); check that it is complete.',
  },
  UPLOAD_EMPTY: {
    zh: '上传的文件是空的，或只有表头没有数据行。',
    en: 'The uploaded file is empty, or has a header row but no data rows.',
  },
  UPLOAD_MISSING_COLUMNS: {
    zh: '文件缺少必填列，或找不到表头行。请使用证书上报模板中的列名。',
    en: 'The file lacks required columns, or has no header row. Use the column names of the upload template.',
  },
  INVALID_UPLOAD_JOB_ID: {
    zh: '上传任务编号格式不正确（22 位字母、数字、- 或 _）。',
    en: 'The upload job id is malformed (22 letters, digits, - or _).',
  },
  SCAN_TEXT_EMPTY: {
    zh: '没有读到内容。请重新扫描二维码，或输入证书编号。',
    en: 'Nothing was read. Scan the QR code again, or type the certificate number.',
  },
  SCAN_TEXT_TOO_LONG: {
    zh: '读到的内容过长（最多 4096 个字符），不是本平台的二维码。',
    en: 'What was read is too long (4096 characters at most); it is not a CertWatch code.',
  },
  UPLOAD_JOB_NOT_FOUND: {
    zh: '没有这个上传任务。',
    en: 'No such upload job.',
  },
  UPLOAD_JOB_EXISTS: {
    zh: '该上传任务编号已被使用，请换一个新的编号。',
    en: 'This upload job id is already taken; propose a new one.',
  },
  UPLOAD_JOB_RUNNING: {
    zh: '该上传任务仍在进行中，完成后才能下载二维码。',
    en: 'This upload job is still running; its QR codes can be downloaded once it has finished.',
  },
  UPLOAD_REJECTED: {
    zh: '文件中有错误行，整批上报未保存（整体模式）。请下载错误报告，改正后重新上传。',
    en: 'The file has rows with errors, so nothing was stored (atomic mode). Download the error report, fix the rows and upload again.',
  },
  UPLOAD_MALFORMED: {
    zh: '文件格式有误，无法读取（例如引号未闭合、含二进制内容，或不是 XLSX 文件）。',
    en: 'The file is malformed and cannot be read (e.g. an unclosed quote, binary content, or not an XLSX file).',
  },
  UNAUTHENTICATED: {
    zh: '需要有效的访问令牌。',
    en: 'A valid access token is required.',
  },
  FORBIDDEN: {
    zh: '当前身份无权执行此操作。',
    en: 'Your role may not do this.',
  },
  TOKEN_NOT_FOUND: {
    zh: '没有这个访问令牌。',
    en: 'No such access token.',
  },
  CERTIFICATE_NOT_FOUND: {
    zh: '登记库中没有这张证书。',
    en: 'No certificate in the registry matches.',
  },
  BODY_NOT_FOUND: {
    zh: '没有这个代码的认证机构。',
    en: 'No certifying body has this code.',
  },
  ROUTE_NOT_FOUND: {
    zh: '页面或接口不存在。',
    en: 'No such page or API route.',
  },
  METHOD_NOT_ALLOWED: {
    zh: '不支持此请求方法。',
    en: 'This request method is not allowed here.',
  },
  BODY_EXISTS: {
    zh: '已有使用该代码的认证机构。',
    en: 'A certifying body with this code already exists.',
  },
  DUPLICATE_CERTIFICATE: {
    zh: '该证书已存在。',
    en: 'This certificate already exists.',
  },
  ILLEGAL_STATUS_TRANSITION: {
    zh: '不允许此状态变更（撤销和注销是最终状态）。',
    en: 'This status change is not allowed (revoked and withdrawn are final).',
  },
  PAYLOAD_TOO_LARGE: {
    zh: '提交的内容过大。',
    en: 'The request is too large.',
  },
  UPLOAD_ROW_TOO_LARGE: {
    zh: '文件中有一行数据过大。',
    en: 'A row of the file is too large.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    zh: '不支持的内容类型或编码。',
    en: 'The content type or encoding is not supported.',
  },
  UNSUPPORTED_UPLOAD_FORMAT: {
    zh: '不支持的上传格式。请上传 CSV、XLSX 或 NDJSON 文件。',
    en: 'Unsupported upload format. Upload a CSV, XLSX or NDJSON file.',
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
  INVALID_DISHONESTY_ID: {
    zh: '失信记录编号格式不正确（22 位字母、数字、- 或 _）。',
    en: 'The dishonesty record id is malformed (22 letters, digits, - or _).',
  },
  INVALID_REPAIR_ID: {
    zh: '信用修复申请编号格式不正确（22 位字母、数字、- 或 _）。',
    en: 'The credit repair id is malformed (22 letters, digits, - or _).',
  },
  TOO_MANY_CODES: {
    zh: '一次查询的代码过多（最多 1000 个）。',
    en: 'Too many codes in one query (1,000 at most).',
  },
  DISHONESTY_RECORD_NOT_FOUND: {
    zh: '没有这条公示中的失信记录。',
    en: 'No such listed dishonesty record.',
  },
  REPAIR_NOT_FOUND: {
    zh: '该失信记录没有这个信用修复申请。',
    en: 'This record has no such credit repair.',
  },
  DISHONESTY_ALREADY_REPAIRED: {
    zh: '该失信记录已完成信用修复，不再公示。',
    en: 'This record has already been repaired and is no longer listed.',
  },
  REPAIR_TOO_EARLY: {
    zh: '尚未到可申请信用修复的日期。',
    en: 'Credit repair cannot be asked for before the earliest repair date.',
  },
  REPAIR_PENDING: {
    zh: '该失信记录已有一项待决定的信用修复申请。',
    en: 'A credit repair of this record already awaits its decision.',
  },
  REPAIR_NOTICE_RUNNING: {
    zh: '信用修复公示期（5 个工作日）尚未结束，公示期满后方可作出决定。',
    en: 'The public notice (5 working days) has not ended; decide after it.',
  },
  REPAIR_ALREADY_DECIDED: {
    zh: '该信用修复申请已作出决定。',
    en: 'This credit repair has already been decided.',
  },
  INVALID_INSPECTOR_ID: {
    zh: '检查人员编号格式不正确（2 至 32 位字母、数字或 -）。',
    en: 'The inspector id is malformed (2 to 32 letters, digits or -).',
  },
  INVALID_DRAW_ID: {
    zh: '抽查编号格式不正确（DR 加 16 位字母或数字 2-7）。',
    en: 'The draw id is malformed (DR and 16 letters or digits 2-7).',
  },
  DRAW_ENTROPY_MISMATCH: {
    zh: '外部随机数与抽查计划不符：计划指定了公开随机源时必须提供其数值，未指定时不得提供。',
    en: 'External entropy does not match the plan: give the value exactly when the plan names a public source.',
  },
  INSPECTOR_NOT_FOUND: {
    zh: '检查人员名录中没有此人。',
    en: 'No inspector of the directory has this id.',
  },
  DRAW_NOT_FOUND: {
    zh: '没有这个抽查计划。',
    en: 'No such inspection draw.',
  },
  INSPECTOR_EXISTS: {
    zh: '已有使用该编号的检查人员。',
    en: 'An inspector with this id already exists.',
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
  INVALID_TIP_ID: {
    zh: '举报线索编号格式不正确（22 位字母、数字、- 或 _）。',
    en: 'The tip id is malformed (22 letters, digits, - or _).',
  },
  INVALID_FLAG_ID: {
    zh: '标记编号格式不正确（22 位字母、数字、- 或 _）。',
    en: 'The flag id is malformed (22 letters, digits, - or _).',
  },
  INVALID_CASE_ID: {
    zh: '案件编号格式不正确（22 位字母、数字、- 或 _）。',
    en: 'The case id is malformed (22 letters, digits, - or _).',
  },
  INVALID_PHOTO: {
    zh: '照片无法识别：请上传 JPEG、PNG 或 WebP 格式的图片（Base64 编码）。',
    en: 'The photo cannot be read: send a JPEG, PNG or WebP image, base64-encoded.',
  },
  TIP_NOT_FOUND: {
    zh: '没有这条举报线索。',
    en: 'No such tip.',
  },
  TIP_PHOTO_NOT_FOUND: {
    zh: '这条举报线索没有照片。',
    en: 'This tip has no photo.',
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
  INSPECTOR_CONFLICT: {
    zh: '该检查人员申报了与本案当事组织或认证机构的利益冲突，须回避，请指派其他人员。',
    en: 'This inspector declared a conflict of interest with a holder or body of the case and must recuse; assign someone else.',
  },
  INSPECTOR_INACTIVE: {
    zh: '该检查人员已停用，不能指派。',
    en: 'This inspector is inactive and cannot be assigned.',
  },
  PHOTO_TOO_LARGE: {
    zh: '照片过大（最大 1 MiB）。',
    en: 'The photo is too large (1 MiB at most).',
  },
};

export function errorText(code: ErrorCode, lang: Lang): string {
  return ERROR_TEXT[code][lang];
}
