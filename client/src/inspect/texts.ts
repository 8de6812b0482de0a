/**
 * Texts of the inspector console. Certificate statuses, dishonesty severities and API error texts come
 * from server/platform/i18n.ts, tip categories from server/tips/tip-texts.ts: only what no
 * server page says lives here. Plain text: the DOM builder inserts it as text.
 */
import type { AttachmentType } from '../../../server/cases/attachment-schema';
import type { Lang } from '../../../server/platform/i18n';
import type { ScanVerdict } from '../../../server/qr/qr-schema';

export type QueueKind = 'tip' | 'signal' | 'flag';
export type CaseEventAction =
  'create' | 'assign' | 'note' | 'evidence' | 'attach' | 'link' | 'unlink' | 'decide';

export interface InspectTexts {
  signInHeading: string;
  tokenLabel: string;
  tokenHint: string;
  signIn: string;
  signOut: string;
  signedOut: string;
  tokenRefused: string;
  navLabel: string;
  nav: { queue: string; cases: string; flag: string; inspectors: string };
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
    body: string;
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
  /** Punctuation of the page language: after a label, between clauses, between list items. */
  punctuation: { colon: string; sep: string; listSep: string };
  labelled: (label: string, value: string) => string;
  unexpectedError: string;
  requestFailed: (status: number) => string;
  fixFields: string;
  required: (label: string) => string;
  ruleAny: string;
  bodyAny: string;
  directoryHeading: string;
  directoryHint: string;
  directoryEmpty: string;
  directoryColumns: { name: string; unit: string; id: string };
  noInspectors: string;
  system: string;
  unknownPerson: string;
  unknownItem: string;
  nothingLinked: string;
  decidedAt: string;
  statusOrdered: (certificate: string, status: string, date: string) => string;
  dismissTip: string;
  dismissReason: string;
  dismissHint: string;
  tipDismissed: string;
  flagThis: (certificate: string) => string;
  scanVerdict: (verdict: ScanVerdict) => string;
  attachmentsHeading: string;
  noAttachments: string;
  attachmentColumns: {
    name: string;
    type: string;
    size: string;
    uploadedBy: string;
    uploadedAt: string;
    open: string;
  };
  attachmentType: Record<AttachmentType, string>;
  fileSize: (bytes: number) => string;
  attachedFile: (name: string, size: string) => string;
  openAttachment: (action: string, name: string) => string;
  download: string;
  saveFile: (name: string) => string;
  attachmentAlt: (name: string) => string;
  attachHeading: string;
  attachmentFile: string;
  attachmentHint: string;
  attach: string;
  attached: string;
}

/** Bytes as a person reads them (KB and MB of 1024). */
function size(bytes: number, units: [string, string, string]): string {
  if (bytes < 1024) return `${bytes} ${units[0]}`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} ${units[1]}`;
  return `${(bytes / 1024 / 1024).toFixed(1)} ${units[2]}`;
}

const VERDICT_ZH: Record<ScanVerdict, string> = {
  GENUINE_VALID: '真实有效',
  GENUINE_SUSPENDED: '真实，已暂停',
  GENUINE_REVOKED: '真实，已撤销',
  GENUINE_WITHDRAWN: '真实，已注销',
  GENUINE_EXPIRED: '真实，已过期',
  REGISTRY_MISMATCH: '与登记信息不一致',
  NOT_FOUND: '登记库中没有',
  SIGNATURE_INVALID: '签名无效',
  UNKNOWN_KEY: '未知签名密钥',
  REMOVED_KEY: '签名密钥已撤除',
  FOREIGN_HOST: '指向其他网站',
  UNSIGNED_LINK: '链接未签名',
  NUMBER_LOOKUP: '按编号查询',
  NOT_CERTWATCH: '不是本平台的二维码',
};

const VERDICT_EN: Record<ScanVerdict, string> = {
  GENUINE_VALID: 'genuine and valid',
  GENUINE_SUSPENDED: 'genuine, suspended',
  GENUINE_REVOKED: 'genuine, revoked',
  GENUINE_WITHDRAWN: 'genuine, withdrawn',
  GENUINE_EXPIRED: 'genuine, expired',
  REGISTRY_MISMATCH: 'differs from the registry',
  NOT_FOUND: 'not in the registry',
  SIGNATURE_INVALID: 'signature invalid',
  UNKNOWN_KEY: 'unknown signing key',
  REMOVED_KEY: 'signing key removed',
  FOREIGN_HOST: 'points to another site',
  UNSIGNED_LINK: 'unsigned link',
  NUMBER_LOOKUP: 'looked up by number',
  NOT_CERTWATCH: 'not a CertWatch code',
};

const zh: InspectTexts = {
  signInHeading: '登录',
  tokenLabel: '访问令牌',
  tokenHint: '粘贴管理员为您签发的检查人员令牌。令牌只保存在本标签页中，退出或关闭标签页即清除。',
  signIn: '登录',
  signOut: '退出',
  signedOut: '已退出。',
  tokenRefused: '令牌无效或已过期，请重新登录。',
  navLabel: '工作台',
  nav: { queue: '待办队列', cases: '案件', flag: '标记证书', inspectors: '检查人员名录' },
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
  bodyLabel: '认证机构',
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
    body: '认证机构',
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
    attach: '上传附件',
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
  punctuation: { colon: '：', sep: '；', listSep: '、' },
  labelled: (label, value) => `${label}：${value}`,
  unexpectedError: '出现意外错误，请刷新页面后重试。',
  requestFailed: (status) => `请求未成功（状态码 ${status}），请稍后重试。`,
  fixFields: '请先填写以下必填项：',
  required: (label) => `请填写“${label}”。`,
  ruleAny: '全部规则',
  bodyAny: '全部机构',
  directoryHeading: '检查人员名录',
  directoryHint: '可被指派为承办人的在岗检查人员。名录由管理员维护。',
  directoryEmpty: '名录中还没有在岗的检查人员。请联系管理员在名录中登记检查人员后再指派案件。',
  directoryColumns: { name: '姓名', unit: '所在单位', id: '执法证号' },
  noInspectors: '名录中没有在岗的检查人员，暂时无法指派。请联系管理员登记。',
  system: '系统',
  unknownPerson: '（未登记人员）',
  unknownItem: '（已不存在的事项）',
  nothingLinked: '本案件目前没有关联事项。',
  decidedAt: '决定时间',
  statusOrdered: (certificate, status, date) => `${certificate}：${status}（自 ${date} 起）`,
  dismissTip: '驳回举报',
  dismissReason: '驳回理由',
  dismissHint: '说明无需立案的原因，例如重复举报或内容与证书无关。理由记入审计日志。',
  tipDismissed: '举报已驳回。',
  flagThis: (certificate) => `标记证书 ${certificate}`,
  scanVerdict: (verdict) => VERDICT_ZH[verdict],
  attachmentsHeading: '证据附件',
  noAttachments: '还没有证据附件。',
  attachmentColumns: {
    name: '文件名',
    type: '类型',
    size: '大小',
    uploadedBy: '上传人',
    uploadedAt: '上传时间',
    open: '查看',
  },
  attachmentType: {
    'image/jpeg': 'JPEG 照片',
    'image/png': 'PNG 图片',
    'image/webp': 'WebP 图片',
    'application/pdf': 'PDF 文件',
  },
  fileSize: (bytes) => size(bytes, ['字节', 'KB', 'MB']),
  attachedFile: (name, fileSize) => `${name}（${fileSize}）`,
  openAttachment: (action, name) => `${action}：${name}`,
  download: '下载',
  saveFile: (name) => `保存 ${name}`,
  attachmentAlt: (name) => `证据照片：${name}`,
  attachHeading: '上传证据附件',
  attachmentFile: '选择文件',
  attachmentHint: '照片（JPEG、PNG、WebP）或 PDF 文件，最大 8 MB。文件类型按内容核验。',
  attach: '上传附件',
  attached: '附件已上传。',
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
  nav: { queue: 'Queue', cases: 'Cases', flag: 'Flag a certificate', inspectors: 'Inspectors' },
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
  bodyLabel: 'Certifying body',
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
    body: 'Certifying body',
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
    attach: 'attached a file',
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
  punctuation: { colon: ': ', sep: '; ', listSep: ', ' },
  labelled: (label, value) => `${label}: ${value}`,
  unexpectedError: 'Something unexpected went wrong; reload the page and try again.',
  requestFailed: (status) => `The request did not succeed (status ${status}); try again later.`,
  fixFields: 'Fill in these required fields first:',
  required: (label) => `Fill in “${label}”.`,
  ruleAny: 'Any rule',
  bodyAny: 'Any body',
  directoryHeading: 'Inspector directory',
  directoryHint: 'Active inspectors who can be assigned to a case. Administrators keep the directory.',
  directoryEmpty:
    'The directory has no active inspector yet. Ask an administrator to register inspectors before assigning cases.',
  directoryColumns: { name: 'Name', unit: 'Unit', id: 'Badge number' },
  noInspectors: 'The directory has no active inspector, so nobody can be assigned yet. Ask an administrator.',
  system: 'System',
  unknownPerson: '(not in the directory)',
  unknownItem: '(no longer there)',
  nothingLinked: 'Nothing is linked to this case yet.',
  decidedAt: 'Decided',
  statusOrdered: (certificate, status, date) => `${certificate}: ${status} (from ${date})`,
  dismissTip: 'Dismiss the tip',
  dismissReason: 'Reason',
  dismissHint:
    'Say why no case is needed, e.g. a duplicate report or one unrelated to a certificate. The reason goes into the audit log.',
  tipDismissed: 'The tip is dismissed.',
  flagThis: (certificate) => `Flag certificate ${certificate}`,
  scanVerdict: (verdict) => VERDICT_EN[verdict],
  attachmentsHeading: 'Evidence attachments',
  noAttachments: 'No evidence attached yet.',
  attachmentColumns: {
    name: 'File',
    type: 'Type',
    size: 'Size',
    uploadedBy: 'Uploaded by',
    uploadedAt: 'Uploaded',
    open: 'Open',
  },
  attachmentType: {
    'image/jpeg': 'JPEG photo',
    'image/png': 'PNG image',
    'image/webp': 'WebP image',
    'application/pdf': 'PDF document',
  },
  fileSize: (bytes) => size(bytes, ['bytes', 'KB', 'MB']),
  attachedFile: (name, fileSize) => `${name} (${fileSize})`,
  openAttachment: (action, name) => `${action}: ${name}`,
  download: 'Download',
  saveFile: (name) => `Save ${name}`,
  attachmentAlt: (name) => `Evidence photo: ${name}`,
  attachHeading: 'Attach evidence',
  attachmentFile: 'File',
  attachmentHint:
    'A photo (JPEG, PNG, WebP) or a PDF document, 8 MB at most. Its type is checked from its content.',
  attach: 'Attach',
  attached: 'The file is attached.',
};

export const INSPECT_TEXTS: Record<Lang, InspectTexts> = { zh, en };
