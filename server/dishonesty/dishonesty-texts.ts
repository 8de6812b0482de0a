/** Texts about dishonesty records (失信记录): the public list, the listing warning of a result page, and the error codes. */
import type { ErrorTexts, Lang } from '../platform/i18n';
import type { Severity, SubjectKind } from './dishonesty-schema';

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
  /** The record's entry in the audit log and the link to its inclusion proof. */
  logEntry: string;
  logEntryValue: (seq: number) => string;
  logProofLink: string;
  logCheckpointLink: string;
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
  /** The search of the list: by name or credit code. */
  searchLabel: string;
  searchHint: string;
  searchButton: string;
  /** How many listed records the search found. */
  found: (query: string, total: number) => string;
  showAll: string;
  /** A query of one character: what to type instead (the page answers with this, not an error). */
  shortQuery: string;
  /** A credit code whose check character does not match. */
  badCreditCode: string;
}

export const DISHONESTY_TEXTS: Record<Lang, DishonestyMessages> = {
  zh: {
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
    logEntry: '审计日志',
    logEntryValue: (seq) => `第 ${seq} 条`,
    logProofLink: '包含证明',
    logCheckpointLink: '签名检查点',
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
    searchLabel: '名称或统一社会信用代码',
    searchHint: '可输入名称中连续的两个字以上，或完整的 18 位统一社会信用代码。',
    searchButton: '查询名单',
    found: (query, total) => `“${query}”：找到 ${total} 条公示中的失信记录`,
    showAll: '显示全部名单',
    shortQuery: '只输入一个字无法查询：请输入名称中连续的两个字以上，或完整的统一社会信用代码。',
    badCreditCode: '这不是有效的统一社会信用代码（校验位不符），请核对后重新输入。',
  },
  en: {
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
    logEntry: 'Audit log',
    logEntryValue: (seq) => `entry ${seq}`,
    logProofLink: 'inclusion proof',
    logCheckpointLink: 'signed checkpoint',
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
    searchLabel: 'Name or unified social credit code',
    searchHint: 'Type two or more consecutive characters of a name, or a full 18-character credit code.',
    searchButton: 'Search the list',
    found: (query, total) => `“${query}”: ${total} listed record${total === 1 ? '' : 's'} found`,
    showAll: 'Show the whole list',
    shortQuery:
      'One character is too little to search: type two or more consecutive characters of a name, or a full credit code.',
    badCreditCode:
      'This is not a valid unified social credit code (its check character does not match); check it and try again.',
  },
};

/** Errors of dishonesty records, credit repair and partner credit queries. */
export const DISHONESTY_ERROR_TEXT = {
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
} satisfies ErrorTexts<
  | 'INVALID_DISHONESTY_ID'
  | 'INVALID_REPAIR_ID'
  | 'TOO_MANY_CODES'
  | 'DISHONESTY_RECORD_NOT_FOUND'
  | 'REPAIR_NOT_FOUND'
  | 'DISHONESTY_ALREADY_REPAIRED'
  | 'REPAIR_TOO_EARLY'
  | 'REPAIR_PENDING'
  | 'REPAIR_NOTICE_RUNNING'
  | 'REPAIR_ALREADY_DECIDED'
>;
