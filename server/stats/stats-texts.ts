/** Words of the public statistics page (`/stats`), in Chinese and English. Plain text: renderers escape it. */
import type { CaseState } from '../cases/case-schema';
import type { Lang } from '../platform/i18n';
import type { TipState } from '../tips/tip-schema';
import type { OnTimeBucket } from './stats-schema';

export interface StatsTexts {
  title: string;
  lead: string;
  computedAt: (when: string, minutes: number) => string;
  showNumbers: string;
  month: string;
  day: string;
  total: string;
  /** A month as an axis label (short) and as a table row (long). */
  monthShort: (month: string) => string;
  monthLong: (month: string) => string;
  dayShort: (day: string) => string;

  certificatesTitle: string;
  certificatesTotal: (n: number) => string;
  byStatusTitle: string;
  byStatusDesc: (total: number, valid: number) => string;
  status: string;
  count: string;
  bySchemeTitle: string;
  bySchemeDesc: (schemes: number, inForce: number) => string;
  scheme: string;
  otherSchemes: (n: number) => string;
  noneInForce: string;
  issuedTitle: string;
  issuedDesc: (total: number, months: number) => string;

  supervisionTitle: string;
  tipsTitle: string;
  tipsDesc: (total: number) => string;
  tipState: Record<TipState, string>;
  casesTitle: string;
  casesDesc: (total: number, confirmed: number) => string;
  caseState: Record<CaseState, string>;

  recordsTitle: string;
  listedTitle: string;
  listedDesc: (listed: number, repaired: number) => string;
  kind: string;
  repairedLine: (n: number) => string;
  recordsByMonthTitle: string;
  recordsByMonthDesc: (total: number) => string;

  reportingTitle: string;
  onTimeTitle: string;
  onTimeDesc: (bodies: number, late: number) => string;
  onTimeBucket: Record<OnTimeBucket, string>;
  onTimeColumn: string;
  bodiesCount: string;

  scansSection: string;
  scansTitle: string;
  scansDesc: (total: number, busiest: string, most: number) => string;
  scans: string;
}

const zhMonth = (month: string) => `${Number(month.slice(5, 7))}月`;
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const enMonth = (month: string) => EN_MONTHS[Number(month.slice(5, 7)) - 1] ?? month;

export const STATS_TEXTS: Record<Lang, StatsTexts> = {
  zh: {
    title: '统计数据',
    lead: '认证证书登记库和信用监管工作的主要数字，一目了然。每张图下方可展开查看完整数据表。',
    computedAt: (when, minutes) => `数据统计于 ${when}（北京时间），每 ${minutes} 分钟更新一次。`,
    showNumbers: '查看数据表',
    month: '月份',
    day: '日期',
    total: '合计',
    monthShort: zhMonth,
    monthLong: (month) => `${month.slice(0, 4)}年${zhMonth(month)}`,
    dayShort: (day) => `${Number(day.slice(5, 7))}/${Number(day.slice(8, 10))}`,

    certificatesTitle: '认证证书',
    certificatesTotal: (n) => `登记库中共有 ${n} 张认证证书。`,
    byStatusTitle: '证书状态',
    byStatusDesc: (total, valid) => `共 ${total} 张证书，其中有效 ${valid} 张。`,
    status: '状态',
    count: '数量',
    bySchemeTitle: '有效证书的认证项目分布',
    bySchemeDesc: (schemes, inForce) => `${inForce} 张有效证书分属 ${schemes} 个认证项目。`,
    scheme: '认证项目',
    otherSchemes: (n) => `其他 ${n} 个项目`,
    noneInForce: '目前没有有效证书。',
    issuedTitle: '近 12 个月每月发证数（按目前状态）',
    issuedDesc: (total, months) => `近 ${months} 个月共发证 ${total} 张。`,

    supervisionTitle: '举报与案件',
    tipsTitle: '每月收到的举报（按处理情况）',
    tipsDesc: (total) => `近 12 个月共收到举报 ${total} 件。`,
    tipState: { new: '待处理', 'in-case': '已立案', dismissed: '不予立案' },
    casesTitle: '每月立案数（按办理结果）',
    casesDesc: (total, confirmed) => `近 12 个月共立案 ${total} 件，其中查实 ${confirmed} 件。`,
    caseState: { open: '办理中', confirmed: '查实', dismissed: '撤销' },

    recordsTitle: '失信记录',
    listedTitle: '公示中的失信记录',
    listedDesc: (listed, repaired) => `公示中 ${listed} 条，已信用修复 ${repaired} 条。`,
    kind: '对象类别',
    repairedLine: (n) => `另有 ${n} 条记录已完成信用修复，不再公示。`,
    recordsByMonthTitle: '每月新列入的失信记录',
    recordsByMonthDesc: (total) => `近 12 个月新列入 ${total} 条。`,

    reportingTitle: '认证机构报送',
    onTimeTitle: '认证机构按时报送情况（近 12 个月）',
    onTimeDesc: (bodies, late) => `已批准的认证机构 ${bodies} 家，其中 ${late} 家当前逾期未报送。`,
    onTimeBucket: {
      all: '每月按时',
      most: '多数月份按时',
      half: '约半数月份按时',
      few: '少数月份按时',
    },
    onTimeColumn: '报送情况',
    bodiesCount: '机构数',
    scansSection: '扫码查验',
    scansTitle: '近 30 天每日扫码查验次数',
    scansDesc: (total, busiest, most) =>
      total > 0
        ? `近 30 天共扫码查验 ${total} 次，最多的一天是 ${busiest}（${most} 次）。`
        : '近 30 天没有扫码查验。',
    scans: '扫码次数',
  },
  en: {
    title: 'Statistics at a glance',
    lead: 'The main figures of the certificate registry and of credit-based supervision. Open the table under each chart for its numbers.',
    computedAt: (when, minutes) =>
      `Figures computed at ${when} (China time), refreshed every ${minutes} minutes.`,
    showNumbers: 'Show the numbers',
    month: 'Month',
    day: 'Day',
    total: 'Total',
    monthShort: enMonth,
    monthLong: (month) => `${enMonth(month)} ${month.slice(0, 4)}`,
    dayShort: (day) => `${Number(day.slice(8, 10))} ${enMonth(day.slice(0, 7))}`,

    certificatesTitle: 'Certificates',
    certificatesTotal: (n) => `The registry holds ${n} certificate${n === 1 ? '' : 's'}.`,
    byStatusTitle: 'Certificates by status',
    byStatusDesc: (total, valid) => `${total} certificates, of which ${valid} are valid.`,
    status: 'Status',
    count: 'Number',
    bySchemeTitle: 'Valid certificates by scheme',
    bySchemeDesc: (schemes, inForce) => `${inForce} valid certificates in ${schemes} schemes.`,
    scheme: 'Scheme',
    otherSchemes: (n) => `${n} other schemes`,
    noneInForce: 'No certificate is valid at present.',
    issuedTitle: 'Certificates issued per month, past 12 months (by status today)',
    issuedDesc: (total, months) => `${total} certificates issued in the past ${months} months.`,

    supervisionTitle: 'Tips and cases',
    tipsTitle: 'Tips received per month (by how they stand)',
    tipsDesc: (total) => `${total} tips received in the past 12 months.`,
    tipState: { new: 'Being reviewed', 'in-case': 'Taken into a case', dismissed: 'Dismissed' },
    casesTitle: 'Cases opened per month (by outcome)',
    casesDesc: (total, confirmed) => `${total} cases opened in the past 12 months, ${confirmed} confirmed.`,
    caseState: { open: 'Open', confirmed: 'Confirmed', dismissed: 'Dismissed' },

    recordsTitle: 'Dishonesty records',
    listedTitle: 'Records on the public list',
    listedDesc: (listed, repaired) => `${listed} records listed; ${repaired} repaired.`,
    kind: 'Listed party',
    repairedLine: (n) =>
      `${n} more record${n === 1 ? ' was' : 's were'} taken off the list by credit repair.`,
    recordsByMonthTitle: 'New dishonesty records per month',
    recordsByMonthDesc: (total) => `${total} records started in the past 12 months.`,

    reportingTitle: 'Reporting by certifying bodies',
    onTimeTitle: 'Certifying bodies reporting on time (past 12 months)',
    onTimeDesc: (bodies, late) => `${bodies} approved bodies; ${late} late on their report today.`,
    onTimeBucket: {
      all: 'On time every month',
      most: 'On time most months',
      half: 'On time about half the months',
      few: 'On time in few months',
    },
    onTimeColumn: 'Reporting',
    bodiesCount: 'Bodies',
    scansSection: 'Scans',
    scansTitle: 'QR code scans per day, past 30 days',
    scansDesc: (total, busiest, most) =>
      total > 0
        ? `${total} scans in the past 30 days; the busiest day was ${busiest} (${most}).`
        : 'No scan in the past 30 days.',
    scans: 'Scans',
  },
};
