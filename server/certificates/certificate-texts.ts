/**
 * Texts of the public lookup pages (home, result, search, not found) in Chinese and English, and of the
 * certificate error codes. Plain data and type-only imports: the browser client bundles them too.
 */
import type { ApprovalStatus } from '../bodies/body-schema';
import { escapeHtml } from '../platform/html';
import { DISHONESTY_TEXTS, type DishonestyMessages } from '../dishonesty/dishonesty-texts';
import { COMMON_TEXTS, type CommonTexts, type ErrorTexts, type Lang } from '../platform/i18n';
import type { Status } from './certificate-schema';

/** Text for one certificate status: the banner, the short badge in lists, and how to read it. */
export interface StatusText {
  badge: string;
  title: string;
  howToRead: string;
}

/** The texts of the lookup pages. Functions take the values they show; results are plain text. */
export interface CertificateTexts {
  homeTitle: string;
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
  /**
   * The headline of a valid certificate's page opened from a QR code, before (or without) the page's
   * script checking the code's signature: the registry's answer, never a claim about the printed code.
   */
  pendingTitle: string;
  /** Why the printed code is not checked yet, and what to compare by eye. */
  pendingNote: string;
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
  /** The body's public telephone and website (whom to ask about a certificate). */
  bodyPhone: string;
  bodyWebsite: string;
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
  /** The certificate's reported statuses as a short timeline. */
  historyHeading: string;
  historyEvent: Record<'issued' | 'reinstated' | 'suspended' | 'revoked' | 'withdrawn', string>;
  recordUpdated: string;
  permanentLink: string;
  /** The link to a signed receipt of this check (server/receipts/). */
  receiptLink: string;
  /** The link to the public report form (/report) under a result. */
  reportLink: string;
  notFoundTitle: string;
  notFoundLead: string;
  notFoundForged: string;
  notFoundNumber: (number: string) => string;
  notFoundBodyUnknown: (code: string) => string;
  notFoundBodyReported: (code: string, when: string) => string;
  notFoundAdvice: string;
  /** A genuine certificate from elsewhere is in the national registry, not ours: where to look. */
  nationalLookup: string;
  /** "Valid until" of a certificate that is no longer valid: the date it would have run to. */
  expiryDateNotValid: string;
  foundManyTitle: (count: number, number: string) => string;
  foundManyHint: string;
  searchTitle: (query: string) => string;
  searchTotal: (total: number, capped: boolean) => string;
  searchNone: string;
  searchPastEnd: string;
}

/** Every text of the public pages: the shared words, the lookup's and the dishonesty listing's. */
export type Messages = CommonTexts & CertificateTexts & { dishonesty: DishonestyMessages };

const zh: CertificateTexts = {
  homeTitle: '认证证书查验',
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
  pendingTitle: '登记库记录：此证书有效',
  pendingNote:
    '本页尚未核对二维码上的防伪签名（需要浏览器运行本页脚本）。请逐项核对纸质证书上的证书编号、持证组织名称和认证范围是否与下方登记信息完全一致；如有任何不同，证书可能被伪造或变造。',
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
  bodyPhone: '咨询电话',
  bodyWebsite: '网站',
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
  historyHeading: '状态记录',
  historyEvent: {
    issued: '颁证',
    reinstated: '恢复有效',
    suspended: '暂停',
    revoked: '撤销',
    withdrawn: '注销',
  },
  recordUpdated: '登记记录更新于',
  permanentLink: '此结果的固定链接',
  receiptLink: '保存核验回执（带签名，可打印）',
  reportLink: '举报问题',
  notFoundTitle: '登记库中查无此证书',
  notFoundLead: '登记库中没有与此链接或编号对应的证书。',
  notFoundForged: '伪造的证书不会出现在登记库中。请勿把此证书当作有效认证。',
  notFoundNumber: (number) => `查询的证书编号：${number}`,
  notFoundBodyUnknown: (code) => `认证机构代码 ${code} 不在认证机构名录中。`,
  notFoundBodyReported: (code, when) => `认证机构 ${code} 最近一次报送数据：${when}`,
  notFoundAdvice:
    '刚颁发的证书可能尚未报送（机构最迟于次月 10 日前报送）。如有疑问，请联系发证机构或当地市场监管部门。',
  nationalLookup:
    '此证书可能由其他地区登记。可到国家认监委的全国认证认可信息公共服务平台查询全国的认证证书。',
  expiryDateNotValid: '原定有效期至',
  foundManyTitle: (count, number) => `编号 ${number} 对应 ${count} 张证书`,
  foundManyHint: '证书编号只在同一认证机构内唯一。请选择与纸质证书上的认证机构一致的一项。',
  searchTitle: (query) => `“${query}”的搜索结果`,
  searchTotal: (total, capped) => (capped ? `超过 ${total} 条结果，请缩小范围` : `共 ${total} 条结果`),
  searchNone: '没有找到匹配的证书。',
  searchPastEnd: '这一页没有更多结果。',
};

const en: CertificateTexts = {
  homeTitle: 'Certificate check',
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
  pendingTitle: 'Registry record: this certificate is valid',
  pendingNote:
    'The signature in the printed QR code has not been checked on this page (that needs the page script). Compare the certificate number, holder name and scope on the paper with the registry record below, item by item: any difference means the certificate may be forged or altered.',
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
  bodyPhone: 'Telephone',
  bodyWebsite: 'Website',
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
  historyHeading: 'Status history',
  historyEvent: {
    issued: 'Issued',
    reinstated: 'Reinstated',
    suspended: 'Suspended',
    revoked: 'Revoked',
    withdrawn: 'Withdrawn',
  },
  recordUpdated: 'Registry record updated',
  permanentLink: 'Permanent link to this result',
  receiptLink: 'Keep a signed receipt of this check (printable)',
  reportLink: 'Report a problem',
  notFoundTitle: 'Not in the registry',
  notFoundLead: 'No certificate in the registry matches this link or number.',
  notFoundForged: 'Forged certificates are not in the registry. Do not accept this certificate as valid.',
  notFoundNumber: (number) => `Number looked up: ${number}`,
  notFoundBodyUnknown: (code) => `No certifying body with code ${code} is registered.`,
  notFoundBodyReported: (code, when) => `Certifying body ${code} last reported data: ${when}`,
  notFoundAdvice:
    'A certificate issued very recently may not be reported yet (bodies report by the 10th of the following month). If in doubt, ask the certifying body or the local market regulation bureau.',
  nationalLookup:
    'The certificate may be registered elsewhere in China: the national certification information service of CNCA lists certificates from the whole country.',
  expiryDateNotValid: 'Was to be valid until',
  foundManyTitle: (count, number) => `${count} certificates have the number ${number}`,
  foundManyHint:
    'Numbers are unique only within one certifying body. Pick the one whose body matches the paper certificate.',
  searchTitle: (query) => `Results for “${query}”`,
  searchTotal: (total, capped) =>
    capped ? `More than ${total} results: narrow the search` : `${total} result${total === 1 ? '' : 's'}`,
  searchNone: 'No certificate matches.',
  searchPastEnd: 'No more results on this page.',
};

export const MESSAGES: Record<Lang, Messages> = {
  zh: { ...COMMON_TEXTS.zh, ...zh, dishonesty: DISHONESTY_TEXTS.zh },
  en: { ...COMMON_TEXTS.en, ...en, dishonesty: DISHONESTY_TEXTS.en },
};

export function messagesFor(lang: Lang): Messages {
  return MESSAGES[lang];
}

/** Errors of certificate lookups, search and status changes. */
export const CERTIFICATE_ERROR_TEXT = {
  INVALID_PUBLIC_ID: {
    zh: '链接中的证书标识格式不正确。请重新扫描二维码，或核对链接是否完整。',
    en: 'The certificate id in this link is malformed. Scan the QR code again or check that the link is complete.',
  },
  INVALID_CERTIFICATE_NUMBER: {
    zh: '请输入证书编号（最多 64 个字符）。',
    en: 'Enter a certificate number (64 characters at most).',
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
  CERTIFICATE_NOT_FOUND: {
    zh: '登记库中没有这张证书。',
    en: 'No certificate in the registry matches.',
  },
  DUPLICATE_CERTIFICATE: {
    zh: '该证书已存在。',
    en: 'This certificate already exists.',
  },
  ILLEGAL_STATUS_TRANSITION: {
    zh: '不允许此状态变更（撤销和注销是最终状态）。',
    en: 'This status change is not allowed (revoked and withdrawn are final).',
  },
  STATUS_DATE_BEFORE_ISSUE: {
    zh: '生效日期早于证书的颁证日期。',
    en: 'The effective date is before the certificate was issued.',
  },
  STATUS_DATE_BEFORE_LAST_CHANGE: {
    zh: '生效日期早于该证书上一次状态变更的日期。',
    en: "The effective date is before the certificate's last status change.",
  },
} satisfies ErrorTexts<
  | 'INVALID_PUBLIC_ID'
  | 'INVALID_CERTIFICATE_NUMBER'
  | 'QUERY_TOO_SHORT'
  | 'QUERY_TOO_LONG'
  | 'UNKNOWN_SCHEME'
  | 'CERTIFICATE_NOT_FOUND'
  | 'DUPLICATE_CERTIFICATE'
  | 'ILLEGAL_STATUS_TRANSITION'
  | 'STATUS_DATE_BEFORE_ISSUE'
  | 'STATUS_DATE_BEFORE_LAST_CHANGE'
>;

/** CNCA's national certification information service: every certificate issued in China. */
export const NATIONAL_LOOKUP_URL = 'https://cx.cnca.cn/CertECloud/index/index/page';

/** The link to the national lookup, for pages where our registry has no answer. */
export function nationalLookupLink(m: Pick<Messages, 'nationalLookup'>): string {
  return `<p><a class="national-lookup" href="${NATIONAL_LOOKUP_URL}" rel="noopener">${escapeHtml(m.nationalLookup)}</a></p>`;
}
