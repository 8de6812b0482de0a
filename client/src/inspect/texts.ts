/**
 * Texts of the inspector console. Certificate statuses, dishonesty severities and API error texts come
 * from server/platform/i18n.ts, tip categories from server/tips/tip-texts.ts: only what no
 * server page says lives here. Plain text: the DOM builder inserts it as text.
 */
import type { Lang } from '../../../server/platform/i18n';

export type QueueKind = 'tip' | 'signal' | 'flag';
export type CaseEventAction = 'create' | 'assign' | 'note' | 'evidence' | 'link' | 'unlink' | 'decide';

export interface InspectTexts {
  signInHeading: string;
  tokenLabel: string;
  tokenHint: string;
  signIn: string;
  signOut: string;
  signedOut: string;
  tokenRefused: string;
  navLabel: string;
  nav: { queue: string; cases: string; flag: string };
  loading: string;
  cannotShow: string;
  saved: string;
  networkError: string;
  apiError: (text: string, detail: string) => string;
  queueHeading: string;
  filtersLegend: string;
  kindLabel: string;
  kindAll: string;
  kind: Record<QueueKind, string>;
  severityLabel: string;
  severityAny: string;
  severity: Record<'low' | 'medium' | 'high', string>;
  ruleLabel: string;
  bodyLabel: string;
  applyFilters: string;
  queueTotals: (tips: number, signals: number, flags: number) => string;
  queueShown: (shown: number) => string;
  queueEmpty: string;
  columns: { select: string; kind: string; severity: string; what: string; body: string; when: string };
  selectItem: (label: string) => string;
  openCaseFromSelection: (count: number) => string;
  selectFirst: string;
  tipHeading: (reference: string) => string;
  tipState: Record<'new' | 'in-case' | 'dismissed', string>;
  field: {
    category: string;
    description: string;
    place: string;
    contact: string;
    certificate: string;
    number: string;
    bodyCode: string;
    scan: string;
    received: string;
    state: string;
    case: string;
    photo: string;
    rule: string;
    summary: string;
    subject: string;
    evidence: string;
    certificates: string;
    firstRaised: string;
    lastRaised: string;
    occurrences: string;
    reason: string;
    createdBy: string;
    created: string;
  };
  showPhoto: string;
  photoAlt: string;
  signalHeading: (title: string) => string;
  signalState: Record<'open' | 'in-case' | 'dismissed', string>;
  subjectKind: Record<'certificate' | 'body' | 'organisation' | 'auditor', string>;
  dismissSignal: string;
  reopenSignal: string;
  noteLabel: string;
  openCase: string;
  flagCertificate: string;
  flagHeading: string;
  publicIdLabel: string;
  publicIdHint: string;
  flagReason: string;
  flagSubmit: string;
  flagged: string;
  flagLabel: (publicId: string) => string;
  newCaseHeading: string;
  caseItems: string;
  removeItem: (label: string) => string;
  caseTitle: string;
  caseSummary: string;
  assignee: string;
  noAssignee: string;
  createCase: string;
  casesHeading: string;
  caseStateLabel: string;
  caseState: Record<'open' | 'confirmed' | 'dismissed', string>;
  casesNone: string;
  caseColumns: { reference: string; title: string; state: string; assignee: string; updated: string };
  unassigned: string;
  linked: string;
  events: string;
  eventAction: Record<CaseEventAction, string>;
  decision: string;
  assignHeading: string;
  assign: string;
  noteHeading: string;
  addNote: string;
  evidenceHeading: string;
  evidenceDescription: string;
  evidenceReference: string;
  addEvidence: string;
  decideHeading: string;
  outcomeLegend: string;
  outcome: Record<'confirmed' | 'dismissed', string>;
  basis: string;
  basisHint: string;
  facts: string;
  statusChangeLegend: string;
  orderStatusChange: string;
  newStatus: string;
  statusReason: string;
  statusDate: string;
  recordsLegend: string;
  recordFor: Record<'organisation' | 'body' | 'auditor', string>;
  creditCode: string;
  name: string;
  registrationNumber: string;
  severityOfRecord: string;
  finalConfirm: string;
  decide: string;
  records: (count: number) => string;
}

const zh: InspectTexts = {
  signInHeading: '登录',
  tokenLabel: '访问令牌',
  tokenHint: '粘贴管理员为您签发的检查人员令牌。令牌只保存在本标签页中，退出或关闭标签页即清除。',
  signIn: '登录',
  signOut: '退出',
  signedOut: '已退出。',
  tokenRefused: '令牌无效或已过期，请重新登录。',
  navLabel: '工作台',
  nav: { queue: '待办队列', cases: '案件', flag: '标记证书' },
  loading: '加载中…',
  cannotShow: '无法显示',
  saved: '已保存。',
  networkError: '无法连接服务器，请检查网络后重试。',
  apiError: (text, detail) => `${text}（${detail}）`,
  queueHeading: '待办队列：举报与风险信号',
  filtersLegend: '筛选',
  kindLabel: '类型',
  kindAll: '全部',
  kind: { tip: '举报', signal: '风险信号', flag: '标记' },
  severityLabel: '风险等级',
  severityAny: '全部',
  severity: { low: '低', medium: '中', high: '高' },
  ruleLabel: '规则',
  bodyLabel: '认证机构代码',
  applyFilters: '筛选',
  queueTotals: (tips, signals, flags) =>
    `新举报 ${tips} 条，待处理风险信号 ${signals} 条，未立案标记 ${flags} 条`,
  queueShown: (shown) => `显示 ${shown} 项`,
  queueEmpty: '没有符合条件的待办事项。',
  columns: { select: '选择', kind: '类型', severity: '等级', what: '内容', body: '机构', when: '时间' },
  selectItem: (label) => `选择：${label}`,
  openCaseFromSelection: (count) => `用选中的 ${count} 项立案`,
  selectFirst: '请先在待办队列中选择要立案的事项。',
  tipHeading: (reference) => `举报 ${reference}`,
  tipState: { new: '新举报', 'in-case': '已立案', dismissed: '已驳回' },
  field: {
    category: '问题类型',
    description: '举报内容',
    place: '发现地点',
    contact: '联系方式',
    certificate: '证书',
    number: '证书编号',
    bodyCode: '认证机构代码',
    scan: '扫码结果',
    received: '收到时间',
    state: '状态',
    case: '案件',
    photo: '照片',
    rule: '规则',
    summary: '摘要',
    subject: '对象',
    evidence: '证据',
    certificates: '涉及证书',
    firstRaised: '首次发现',
    lastRaised: '最近发现',
    occurrences: '次数',
    reason: '理由',
    createdBy: '经办人',
    created: '创建时间',
  },
  showPhoto: '显示照片',
  photoAlt: '举报人提交的照片',
  signalHeading: (title) => `风险信号：${title}`,
  signalState: { open: '待处理', 'in-case': '已立案', dismissed: '已驳回' },
  subjectKind: { certificate: '证书', body: '认证机构', organisation: '组织', auditor: '审核员' },
  dismissSignal: '驳回信号',
  reopenSignal: '重新打开信号',
  noteLabel: '备注',
  openCase: '立案',
  flagCertificate: '标记此证书',
  flagHeading: '标记可疑证书',
  publicIdLabel: '证书公开标识',
  publicIdHint: '查验链接 /v/ 后的 22 位字符。',
  flagReason: '标记理由',
  flagSubmit: '标记',
  flagged: '证书已标记。',
  flagLabel: (publicId) => `标记证书 ${publicId}`,
  newCaseHeading: '新建案件',
  caseItems: '关联事项',
  removeItem: (label) => `移除：${label}`,
  caseTitle: '案件名称',
  caseSummary: '案情摘要',
  assignee: '承办人',
  noAssignee: '暂不指派',
  createCase: '立案',
  casesHeading: '案件',
  caseStateLabel: '状态',
  caseState: { open: '办理中', confirmed: '已认定', dismissed: '已撤案' },
  casesNone: '没有符合条件的案件。',
  caseColumns: {
    reference: '案件编号',
    title: '案件名称',
    state: '状态',
    assignee: '承办人',
    updated: '更新时间',
  },
  unassigned: '未指派',
  linked: '关联事项',
  events: '办理记录',
  eventAction: {
    create: '立案',
    assign: '指派',
    note: '备注',
    evidence: '证据',
    link: '关联',
    unlink: '取消关联',
    decide: '作出决定',
  },
  decision: '处理决定',
  assignHeading: '指派承办人',
  assign: '指派',
  noteHeading: '添加备注',
  addNote: '添加备注',
  evidenceHeading: '添加证据',
  evidenceDescription: '证据说明',
  evidenceReference: '证据编号或出处',
  addEvidence: '添加证据',
  decideHeading: '作出处理决定',
  outcomeLegend: '结论',
  outcome: { confirmed: '认定违法', dismissed: '不予认定（撤案）' },
  basis: '法律依据',
  basisHint: '适用的法律、法规条款，例如《认证证书管理办法》第二十六条。',
  facts: '认定事实',
  statusChangeLegend: '证书状态',
  orderStatusChange: '责令变更证书状态',
  newStatus: '新状态',
  statusReason: '原因',
  statusDate: '生效日期',
  recordsLegend: '失信记录',
  recordFor: {
    organisation: '将持证组织列入失信名单',
    body: '将认证机构列入失信名单',
    auditor: '将审核员列入失信名单',
  },
  creditCode: '统一社会信用代码',
  name: '名称',
  registrationNumber: '注册证书编号',
  severityOfRecord: '失信程度',
  finalConfirm: '我确认：处理决定作出后不能更改。',
  decide: '作出决定',
  records: (count) => `失信记录 ${count} 条`,
};

const en: InspectTexts = {
  signInHeading: 'Sign in',
  tokenLabel: 'Access token',
  tokenHint:
    'Paste the inspector token an administrator issued to you. It is kept in this tab only and cleared when you sign out or close the tab.',
  signIn: 'Sign in',
  signOut: 'Sign out',
  signedOut: 'Signed out.',
  tokenRefused: 'The token was refused or has expired; sign in again.',
  navLabel: 'Console',
  nav: { queue: 'Queue', cases: 'Cases', flag: 'Flag a certificate' },
  loading: 'Loading…',
  cannotShow: 'Cannot show this',
  saved: 'Saved.',
  networkError: 'The server cannot be reached; check the network and try again.',
  apiError: (text, detail) => `${text} (${detail})`,
  queueHeading: 'Queue: tips and risk signals',
  filtersLegend: 'Filters',
  kindLabel: 'Kind',
  kindAll: 'All',
  kind: { tip: 'Tip', signal: 'Risk signal', flag: 'Flag' },
  severityLabel: 'Severity',
  severityAny: 'Any',
  severity: { low: 'low', medium: 'medium', high: 'high' },
  ruleLabel: 'Rule',
  bodyLabel: 'Certifying body code',
  applyFilters: 'Filter',
  queueTotals: (tips, signals, flags) =>
    `${tips} new tips, ${signals} open risk signals, ${flags} flags not in a case`,
  queueShown: (shown) => `${shown} shown`,
  queueEmpty: 'Nothing to triage matches.',
  columns: { select: 'Select', kind: 'Kind', severity: 'Severity', what: 'What', body: 'Body', when: 'When' },
  selectItem: (label) => `Select: ${label}`,
  openCaseFromSelection: (count) => `Open a case from ${count} selected`,
  selectFirst: 'Select the items of the case in the queue first.',
  tipHeading: (reference) => `Tip ${reference}`,
  tipState: { new: 'new', 'in-case': 'in a case', dismissed: 'dismissed' },
  field: {
    category: 'Category',
    description: 'Description',
    place: 'Seen at',
    contact: 'Contact',
    certificate: 'Certificate',
    number: 'Certificate number',
    bodyCode: 'Certifying body code',
    scan: 'Scan verdict',
    received: 'Received',
    state: 'State',
    case: 'Case',
    photo: 'Photo',
    rule: 'Rule',
    summary: 'Summary',
    subject: 'Subject',
    evidence: 'Evidence',
    certificates: 'Certificates',
    firstRaised: 'First raised',
    lastRaised: 'Last raised',
    occurrences: 'Occurrences',
    reason: 'Reason',
    createdBy: 'By',
    created: 'Created',
  },
  showPhoto: 'Show the photo',
  photoAlt: 'Photo sent by the reporter',
  signalHeading: (title) => `Risk signal: ${title}`,
  signalState: { open: 'open', 'in-case': 'in a case', dismissed: 'dismissed' },
  subjectKind: {
    certificate: 'certificate',
    body: 'certifying body',
    organisation: 'organisation',
    auditor: 'auditor',
  },
  dismissSignal: 'Dismiss the signal',
  reopenSignal: 'Reopen the signal',
  noteLabel: 'Note',
  openCase: 'Open a case',
  flagCertificate: 'Flag this certificate',
  flagHeading: 'Flag a suspect certificate',
  publicIdLabel: 'Public id of the certificate',
  publicIdHint: 'The 22 characters after /v/ in its verification link.',
  flagReason: 'Reason',
  flagSubmit: 'Flag',
  flagged: 'The certificate is flagged.',
  flagLabel: (publicId) => `Flag of certificate ${publicId}`,
  newCaseHeading: 'New case',
  caseItems: 'Items of the case',
  removeItem: (label) => `Remove: ${label}`,
  caseTitle: 'Title',
  caseSummary: 'Summary',
  assignee: 'Assignee',
  noAssignee: 'nobody yet',
  createCase: 'Open the case',
  casesHeading: 'Cases',
  caseStateLabel: 'State',
  caseState: { open: 'open', confirmed: 'confirmed', dismissed: 'dismissed' },
  casesNone: 'No case matches.',
  caseColumns: {
    reference: 'Reference',
    title: 'Title',
    state: 'State',
    assignee: 'Assignee',
    updated: 'Updated',
  },
  unassigned: 'unassigned',
  linked: 'Linked items',
  events: 'History',
  eventAction: {
    create: 'opened',
    assign: 'assigned',
    note: 'note',
    evidence: 'evidence',
    link: 'linked',
    unlink: 'unlinked',
    decide: 'decided',
  },
  decision: 'Decision',
  assignHeading: 'Assign',
  assign: 'Assign',
  noteHeading: 'Add a note',
  addNote: 'Add the note',
  evidenceHeading: 'Add evidence',
  evidenceDescription: 'What the evidence is',
  evidenceReference: 'Reference or source',
  addEvidence: 'Add the evidence',
  decideHeading: 'Decide',
  outcomeLegend: 'Outcome',
  outcome: { confirmed: 'Confirmed: a violation', dismissed: 'Dismissed: no violation' },
  basis: 'Legal basis',
  basisHint:
    'The articles applied, e.g. Measures for the Administration of Certification Certificates, art. 26.',
  facts: 'Facts found',
  statusChangeLegend: 'Certificate status',
  orderStatusChange: 'Order a status change',
  newStatus: 'New status',
  statusReason: 'Reason',
  statusDate: 'Effective date',
  recordsLegend: 'Dishonesty records',
  recordFor: {
    organisation: 'List the holder as dishonest',
    body: 'List the certifying body as dishonest',
    auditor: 'List an auditor as dishonest',
  },
  creditCode: 'Unified social credit code',
  name: 'Name',
  registrationNumber: 'Registration number',
  severityOfRecord: 'Severity',
  finalConfirm: 'I understand that a decision is final.',
  decide: 'Decide',
  records: (count) => `${count} dishonesty record${count === 1 ? '' : 's'}`,
};

export const INSPECT_TEXTS: Record<Lang, InspectTexts> = { zh, en };
