/**
 * Texts of the certifying bodies' portal (/body). Certificate statuses and API error texts come from the
 * server's tables (platform/i18n.ts, error-texts.ts): only what no server page says lives here.
 */
import type { Lang } from '../../../server/platform/i18n';

export interface PortalTexts {
  signInHeading: string;
  tokenLabel: string;
  tokenHint: string;
  signIn: string;
  signOut: string;
  signedOut: string;
  notABodyToken: string;
  tokenRefused: string;
  networkError: string;
  apiError: (text: string, detail: string) => string;
  welcome: (name: string, code: string) => string;
  publicPage: string;
  reportingHeading: string;
  lastReport: string;
  neverReported: string;
  nextDue: string;
  onTime: (onTime: number, judged: number) => string;
  late: (due: string, days: number) => string;
  notLate: (due: string) => string;
  confirmHeading: string;
  confirmHint: string;
  confirmNote: string;
  confirmButton: string;
  confirmed: (at: string) => string;
  uploadHeading: string;
  uploadHint: string;
  dropHere: string;
  fileLabel: string;
  modeLabel: string;
  modeAtomic: string;
  modePartial: string;
  uploadButton: string;
  chooseFirst: string;
  wrongType: string;
  progressLabel: string;
  sending: (percent: number) => string;
  rowsRead: (rows: number) => string;
  jobHeading: string;
  jobState: Record<'running' | 'succeeded' | 'failed' | 'rejected' | 'interrupted', string>;
  jobCounts: (p: {
    rowsRead: number;
    created: number;
    updated: number;
    unchanged: number;
    rejected: number;
  }) => string;
  errorReportHeading: string;
  errorColumns: { row: string; field: string; code: string; message: string; number: string };
  errorsShown: (shown: number, total: number) => string;
  downloadReport: string;
  showReport: string;
  jobsHeading: string;
  jobsEmpty: string;
  jobColumns: { when: string; file: string; state: string; rows: string; report: string };
  previousPage: string;
  nextPage: string;
  pageOf: (page: number, pages: number) => string;
  myCertificatesHeading: string;
  listStatusLabel: string;
  listAllStatuses: string;
  listPrefixLabel: string;
  listPrefixHint: string;
  listFilterButton: string;
  listColumns: { number: string; holder: string; scheme: string; status: string; validUntil: string };
  listEmpty: string;
  listShown: (from: number, to: number, total: number, capped: boolean) => string;
  firstPage: string;
  openChange: (number: string) => string;
  certificatesHeading: string;
  numberLabel: string;
  findButton: string;
  noCertificate: string;
  statusNow: string;
  holder: string;
  issued: string;
  changeHeading: string;
  newStatus: string;
  statusNames: Record<'valid' | 'suspended' | 'revoked' | 'withdrawn', string>;
  reasonLabel: string;
  reasonHint: string;
  effectiveLabel: string;
  changeButton: string;
  changed: (status: string) => string;
  commitmentHeading: string;
  commitmentHint: string;
  commitmentText: string;
  commitmentDate: string;
  commitmentButton: string;
  commitmentCurrent: (version: number, dated: string) => string;
  commitmentNone: string;
  commitmentSaved: (version: number) => string;
}

export const PORTAL_TEXTS: Record<Lang, PortalTexts> = {
  zh: {
    signInHeading: '登录',
    tokenLabel: '访问令牌',
    tokenHint: '监管部门发给本机构的 API 令牌；只保存在本标签页中，关闭即清除。',
    signIn: '登录',
    signOut: '退出',
    signedOut: '已退出。',
    notABodyToken: '这不是认证机构的令牌。请使用发给本机构的令牌。',
    tokenRefused: '令牌已失效，请重新登录。',
    networkError: '网络连接失败，请稍后重试。',
    apiError: (text, detail) => (detail && detail !== text ? `${text}（${detail}）` : text),
    welcome: (name, code) => `${name}（${code}）`,
    publicPage: '查看本机构公示页面',
    reportingHeading: '报送情况',
    lastReport: '最近一次报送',
    neverReported: '尚无报送记录',
    nextDue: '下次报送截止日期',
    onTime: (onTime, judged) => `近 ${judged} 个月中 ${onTime} 个月按时报送`,
    late: (due, days) =>
      `本机构应于 ${due} 前报送证书信息，已逾期 ${days} 天。请上传证书数据，或确认本月无变化。`,
    notLate: (due) => `请于 ${due}（北京时间）前完成下次报送。`,
    confirmHeading: '本月无变化确认',
    confirmHint: '如本期没有新颁发或状态变化的证书，请确认“无变化”，这同样计为一次报送。',
    confirmNote: '备注（可选）',
    confirmButton: '确认本期无变化',
    confirmed: (at) => `已确认无变化（${at}）。`,
    uploadHeading: '上传证书数据',
    uploadHint: '支持 Excel（.xlsx）和 CSV 文件，可使用报送模板。把文件拖到下方区域，或点击选择文件。',
    dropHere: '把文件拖到这里',
    fileLabel: '选择文件',
    modeLabel: '处理方式',
    modeAtomic: '全部正确才保存（推荐）',
    modePartial: '保存正确的行，退回有错误的行',
    uploadButton: '上传',
    chooseFirst: '请先选择一个文件。',
    wrongType: '只接受 .xlsx 或 .csv 文件。',
    progressLabel: '上传进度',
    sending: (percent) => `正在上传：${percent}%`,
    rowsRead: (rows) => `已处理 ${rows} 行`,
    jobHeading: '上传结果',
    jobState: {
      running: '处理中',
      succeeded: '已保存',
      failed: '失败',
      rejected: '已退回（未保存）',
      interrupted: '已中断',
    },
    jobCounts: (p) =>
      `共 ${p.rowsRead} 行：新增 ${p.created}，更新 ${p.updated}，无变化 ${p.unchanged}，有错误 ${p.rejected}。`,
    errorReportHeading: '错误报告',
    errorColumns: { row: '行号', field: '列', code: '错误代码', message: '说明', number: '证书编号' },
    errorsShown: (shown, total) =>
      shown < total ? `显示前 ${shown} 条，共 ${total} 条。` : `共 ${total} 条。`,
    downloadReport: '下载错误报告（CSV）',
    showReport: '查看错误报告',
    jobsHeading: '上传记录',
    jobsEmpty: '尚无上传记录。',
    jobColumns: { when: '时间', file: '文件', state: '结果', rows: '行数', report: '错误报告' },
    previousPage: '上一页',
    nextPage: '下一页',
    pageOf: (page, pages) => `第 ${page} / ${pages} 页`,
    myCertificatesHeading: '我的证书',
    listStatusLabel: '状态',
    listAllStatuses: '全部状态',
    listPrefixLabel: '证书编号开头',
    listPrefixHint: '输入编号的开头几位，例如 “CQC-2025”。',
    listFilterButton: '筛选',
    listColumns: {
      number: '证书编号',
      holder: '获证组织',
      scheme: '认证项目',
      status: '状态',
      validUntil: '有效期至',
    },
    listEmpty: '没有符合条件的证书。',
    listShown: (from, to, total, capped) =>
      `第 ${from} 至 ${to} 张，共${capped ? '超过 ' : ' '}${total} 张（按证书编号排序）`,
    firstPage: '回到第一页',
    openChange: (number) => `变更证书 ${number} 的状态`,
    certificatesHeading: '证书状态变更',
    numberLabel: '证书编号',
    findButton: '查找',
    noCertificate: '本机构没有这个编号的证书。',
    statusNow: '当前状态',
    holder: '获证组织',
    issued: '颁证日期',
    changeHeading: '变更状态',
    newStatus: '新状态',
    statusNames: { valid: '有效（恢复）', suspended: '暂停', revoked: '撤销', withdrawn: '注销' },
    reasonLabel: '原因',
    reasonHint: '恢复以外的变更必须填写原因；撤销和注销不可恢复。',
    effectiveLabel: '生效日期',
    changeButton: '保存变更',
    changed: (status) => `已变更为“${status}”。`,
    commitmentHeading: '公开承诺书',
    commitmentHint: '承诺书在本机构公示页面公开。每次提交保存为新版本，历史版本保留可查。',
    commitmentText: '承诺书正文',
    commitmentDate: '落款日期',
    commitmentButton: '提交承诺书',
    commitmentCurrent: (version, dated) => `当前为第 ${version} 版，落款日期 ${dated}。`,
    commitmentNone: '尚未提交承诺书。',
    commitmentSaved: (version) => `已保存为第 ${version} 版。`,
  },
  en: {
    signInHeading: 'Sign in',
    tokenLabel: 'Access token',
    tokenHint: "Your body's API token from the regulator; kept in this tab only and cleared when it closes.",
    signIn: 'Sign in',
    signOut: 'Sign out',
    signedOut: 'Signed out.',
    notABodyToken: "This is not a certifying body's token. Use the token issued to your body.",
    tokenRefused: 'The token is no longer accepted; sign in again.',
    networkError: 'The network failed; try again shortly.',
    apiError: (text, detail) => (detail && detail !== text ? `${text} (${detail})` : text),
    welcome: (name, code) => `${name} (${code})`,
    publicPage: "See your body's public page",
    reportingHeading: 'Reporting',
    lastReport: 'Last report',
    neverReported: 'No report yet',
    nextDue: 'Next report due',
    onTime: (onTime, judged) => `On time in ${onTime} of the last ${judged} months`,
    late: (due, days) =>
      `Your report was due by ${due} and is ${days} days late. Upload your certificates, or confirm that nothing changed.`,
    notLate: (due) => `Make your next report by ${due} (China time).`,
    confirmHeading: 'Nothing changed this month',
    confirmHint:
      'When no certificate was issued or changed status this period, confirm "nothing changed": it counts as a report.',
    confirmNote: 'Note (optional)',
    confirmButton: 'Confirm nothing changed',
    confirmed: (at) => `Confirmed: nothing changed (${at}).`,
    uploadHeading: 'Upload certificates',
    uploadHint:
      'Excel (.xlsx) or CSV files, e.g. the reporting template. Drop a file on the area below, or choose one.',
    dropHere: 'Drop a file here',
    fileLabel: 'Choose a file',
    modeLabel: 'Processing',
    modeAtomic: 'Store only if every row is valid (recommended)',
    modePartial: 'Store the valid rows, return the rows with errors',
    uploadButton: 'Upload',
    chooseFirst: 'Choose a file first.',
    wrongType: 'Only .xlsx or .csv files are accepted.',
    progressLabel: 'Upload progress',
    sending: (percent) => `Uploading: ${percent}%`,
    rowsRead: (rows) => `${rows} rows processed`,
    jobHeading: 'Upload result',
    jobState: {
      running: 'Processing',
      succeeded: 'Stored',
      failed: 'Failed',
      rejected: 'Rejected (nothing stored)',
      interrupted: 'Interrupted',
    },
    jobCounts: (p) =>
      `${p.rowsRead} rows: ${p.created} new, ${p.updated} updated, ${p.unchanged} unchanged, ${p.rejected} with errors.`,
    errorReportHeading: 'Error report',
    errorColumns: {
      row: 'Row',
      field: 'Column',
      code: 'Code',
      message: 'Message',
      number: 'Certificate number',
    },
    errorsShown: (shown, total) => (shown < total ? `The first ${shown} of ${total}.` : `${total} in all.`),
    downloadReport: 'Download the error report (CSV)',
    showReport: 'Show the error report',
    jobsHeading: 'Your uploads',
    jobsEmpty: 'No uploads yet.',
    jobColumns: { when: 'When', file: 'File', state: 'Result', rows: 'Rows', report: 'Error report' },
    previousPage: 'Previous',
    nextPage: 'Next',
    pageOf: (page, pages) => `Page ${page} of ${pages}`,
    myCertificatesHeading: 'My certificates',
    listStatusLabel: 'Status',
    listAllStatuses: 'All statuses',
    listPrefixLabel: 'Number starts with',
    listPrefixHint: 'The first characters of the number, e.g. “CQC-2025”.',
    listFilterButton: 'Filter',
    listColumns: {
      number: 'Number',
      holder: 'Holder',
      scheme: 'Scheme',
      status: 'Status',
      validUntil: 'Valid until',
    },
    listEmpty: 'No certificate matches.',
    listShown: (from, to, total, capped) =>
      `${from} to ${to} of ${capped ? 'more than ' : ''}${total}, by number`,
    firstPage: 'First page',
    openChange: (number) => `Change the status of ${number}`,
    certificatesHeading: 'Change a certificate’s status',
    numberLabel: 'Certificate number',
    findButton: 'Find',
    noCertificate: 'Your body has no certificate with this number.',
    statusNow: 'Status now',
    holder: 'Holder',
    issued: 'Issued',
    changeHeading: 'Change status',
    newStatus: 'New status',
    statusNames: {
      valid: 'Valid (reinstate)',
      suspended: 'Suspended',
      revoked: 'Revoked',
      withdrawn: 'Withdrawn',
    },
    reasonLabel: 'Reason',
    reasonHint: 'Every change but a reinstatement needs a reason; revoked and withdrawn are final.',
    effectiveLabel: 'Effective date',
    changeButton: 'Save the change',
    changed: (status) => `Changed to “${status}”.`,
    commitmentHeading: 'Public commitment',
    commitmentHint:
      "The commitment is published on your body's public page. Each submission is a new version; earlier versions stay readable.",
    commitmentText: 'Text of the commitment',
    commitmentDate: 'Dated',
    commitmentButton: 'Submit the commitment',
    commitmentCurrent: (version, dated) => `Version ${version} is in force, dated ${dated}.`,
    commitmentNone: 'No commitment submitted yet.',
    commitmentSaved: (version) => `Saved as version ${version}.`,
  },
};
