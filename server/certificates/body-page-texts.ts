/**
 * Texts of the public body page (`/bodies/:code`), in Chinese and English. Certificate statuses, approval
 * states and dishonesty words come from certificate-texts.ts; only what no other page says lives here.
 */
import type { Lang } from '../platform/i18n';

export interface BodyPageTexts {
  title: (name: string) => string;
  lead: string;
  code: string;
  approvalHeading: string;
  approvalSince: string;
  historyCaption: string;
  historyFrom: string;
  historyStatus: string;
  scopeHeading: string;
  schemes: string;
  industryCodes: string;
  noIndustryCodes: string;
  contactHeading: string;
  phone: string;
  website: string;
  noContact: string;
  commitmentHeading: string;
  commitmentDated: (version: number, dated: string) => string;
  commitmentNone: string;
  earlierVersions: (count: number) => string;
  reportingHeading: string;
  lastReport: string;
  neverReported: string;
  onTimeLabel: string;
  onTime: (onTime: number, judged: number) => string;
  onTimeNone: string;
  nextDue: string;
  lateNotice: (due: string) => string;
  reportingRule: string;
  certificatesHeading: string;
  countsCaption: string;
  statusColumn: string;
  countColumn: string;
  total: (n: number) => string;
  dishonestyHeading: string;
  dishonestyNone: string;
  casesHeading: string;
  casesLead: string;
  casesNone: string;
  caseListed: (caseRef: string, date: string) => string;
  listLink: string;
}

export const BODY_PAGE_TEXTS: Record<Lang, BodyPageTexts> = {
  zh: {
    title: (name) => `${name} · 认证机构信息公示`,
    lead: '认证机构的批准信息、批准范围、公开承诺、报送及时性、证书状态统计和失信记录，依据监管登记信息公示。',
    code: '机构代码',
    approvalHeading: '批准信息',
    approvalSince: '状态日期',
    historyCaption: '批准变更记录',
    historyFrom: '生效日期',
    historyStatus: '批准状态',
    scopeHeading: '批准范围',
    schemes: '认证领域',
    industryCodes: '专业代码',
    noIndustryCodes: '无',
    contactHeading: '联系方式',
    phone: '电话',
    website: '网站',
    noContact: '机构未登记公开联系方式。',
    commitmentHeading: '公开承诺书',
    commitmentDated: (version, dated) => `第 ${version} 版，落款日期 ${dated}`,
    commitmentNone: '机构尚未提交公开承诺书。',
    earlierVersions: (count) => `历史版本（${count} 个）`,
    reportingHeading: '证书信息报送',
    lastReport: '最近一次报送',
    neverReported: '尚无报送记录',
    onTimeLabel: '按时报送',
    onTime: (onTime, judged) => `近 ${judged} 个月中，${onTime} 个月按时报送`,
    onTimeNone: '尚无可评价的月份',
    nextDue: '下次报送截止',
    lateNotice: (due) => `该机构应于 ${due} 前报送证书信息，现已逾期。`,
    reportingRule: '认证机构应于每月 10 日前报送上月证书信息（上传证书数据或确认无变化），时间以北京时间计。',
    certificatesHeading: '证书状态统计',
    countsCaption: '该机构在登记库中的证书数量（按当前状态）',
    statusColumn: '状态',
    countColumn: '数量',
    total: (n) => `合计 ${n} 张`,
    dishonestyHeading: '失信记录',
    dishonestyNone: '该机构及其审核员无列入失信名单的记录。',
    casesHeading: '已办结案件',
    casesLead: '经调查办结并公示处理结果的案件。',
    casesNone: '无已公示的办结案件。',
    caseListed: (caseRef, date) => `案件 ${caseRef}：${date} 列入失信名单`,
    listLink: '查看完整的失信名单',
  },
  en: {
    title: (name) => `${name} · Certifying body profile`,
    lead: "A certifying body's approval, approved scope, public commitment, reporting timeliness, certificates by status and dishonesty records, as registered with the regulator.",
    code: 'Body code',
    approvalHeading: 'Approval',
    approvalSince: 'Status date',
    historyCaption: 'Changes of approval',
    historyFrom: 'Effective from',
    historyStatus: 'Approval',
    scopeHeading: 'Approved scope',
    schemes: 'Schemes',
    industryCodes: 'Industry codes',
    noIndustryCodes: 'none',
    contactHeading: 'Contact',
    phone: 'Telephone',
    website: 'Website',
    noContact: 'The body has registered no public contact.',
    commitmentHeading: 'Public commitment',
    commitmentDated: (version, dated) => `Version ${version}, dated ${dated}`,
    commitmentNone: 'The body has not submitted a public commitment yet.',
    earlierVersions: (count) => `Earlier versions (${count})`,
    reportingHeading: 'Reporting',
    lastReport: 'Last report',
    neverReported: 'No report yet',
    onTimeLabel: 'On time',
    onTime: (onTime, judged) => `On time in ${onTime} of the last ${judged} months`,
    onTimeNone: 'No month to judge yet',
    nextDue: 'Next report due',
    lateNotice: (due) => `This body's report was due by ${due} and is late.`,
    reportingRule:
      'Certifying bodies report each month by the 10th of the next month (an upload of their certificates, or a confirmation that nothing changed), China time.',
    certificatesHeading: 'Certificates by status',
    countsCaption: "The body's certificates in the registry, by their status today",
    statusColumn: 'Status',
    countColumn: 'Certificates',
    total: (n) => `${n} in all`,
    dishonestyHeading: 'Dishonesty records',
    dishonestyNone: 'Neither the body nor its auditors are on the dishonesty list.',
    casesHeading: 'Concluded cases',
    casesLead: 'Cases investigated and concluded with a published outcome.',
    casesNone: 'No concluded case has a published outcome.',
    caseListed: (caseRef, date) => `Case ${caseRef}: listed as dishonest on ${date}`,
    listLink: 'See the whole dishonesty list',
  },
};
