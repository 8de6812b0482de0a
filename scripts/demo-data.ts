/**
 * Deterministic demo registry: certifying bodies, organisations with real-looking Chinese names and valid
 * unified social credit codes, and certificates across every scheme and status. The same seed and the same
 * `today` give the same data, row for row; certificates stream out in batches so that a registry of millions
 * never sits in memory at once.
 *
 * Every name here is invented. Dates are relative to `today`, so that each status (expired by date
 * included) is present whenever the demo is seeded.
 */
import type { Auditor as RegisteredAuditor } from '../server/auditors/auditor-schema';
import type { Body } from '../server/bodies/body-schema';
import {
  certificateInputSchema,
  type AuditType,
  type CertificateData,
  type CertificateInput,
  type StoredStatus,
} from '../server/certificates/certificate-schema';
import { todayInChina } from '../server/platform/china-time';
import { findScheme } from '../server/schemes/schemes';
import { EMPLOYEE_BANDS, INITIAL_AUDIT_DAYS } from '../server/signals/rules/man-days-minimum';
import { withCheckCharacter } from '../server/platform/credit-code';

/** Bump when the generated data changes shape, so that cached benchmark registries are rebuilt. */
export const DEMO_DATA_VERSION = 4;
export const DEFAULT_SEED = 20_260_101;

// ---------------------------------------------------------------------------------------------------------
// Seeded randomness (sfc32: small, fast, good enough for demo data; never for anything secret)

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max] (both included). */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** An item chosen with probability proportional to its weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  chance(p: number): boolean;
}

export function createRandom(seed: number): Random {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 ^ Math.imul(seed, 0x85ebca6b);
  let c = 0xb7e15162 ^ Math.imul(seed, 0xc2b2ae35);
  let d = 1;
  const next = () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i += 1) next();
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
    weighted(items) {
      let total = 0;
      for (const [, w] of items) total += w;
      let x = next() * total;
      for (const [item, w] of items) {
        x -= w;
        if (x < 0) return item;
      }
      return (items[items.length - 1] as readonly [never, number])[0];
    },
    chance: (p) => next() < p,
  };
  return random;
}

// ---------------------------------------------------------------------------------------------------------
// Dates (YYYY-MM-DD, UTC arithmetic; `today` is a date in China)

const DAY_MS = 86_400_000;
const dayOf = (iso: string) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
const isoOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The last day of a validity of `years` starting on `issueDay` (a 3-year certificate issued 2025-01-10 runs to 2028-01-09). */
function expiryDay(issueDay: number, years: number): number {
  const d = new Date(issueDay * DAY_MS);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return Math.floor(d.getTime() / DAY_MS) - 1;
}

// ---------------------------------------------------------------------------------------------------------
// Certifying bodies

interface DemoBody {
  code: string;
  name: string;
  nameEn: string;
  approvalNumber: string;
  schemes: string[];
  /** Share of the certificates of the schemes it is approved for. */
  weight: number;
  /** Two-digit body code inside CCC certificate numbers. */
  cccCode?: string;
  /** Days before today its approval was suspended (no certificates issued since). */
  suspendedDaysAgo?: number;
  /** Days before today it last reported data. */
  lastReportDaysAgo: number;
  /** The certificate number of one certificate. */
  number(p: { year: number; letter: string; seq: number; renewal: number }): string;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

const BODIES: readonly DemoBody[] = [
  {
    code: 'HZC',
    name: '华正认证中心有限公司',
    nameEn: 'Huazheng Certification Centre Co., Ltd.',
    approvalNumber: 'CNCA-R-2002-001',
    schemes: ['QMS', 'EMS', 'OHSMS', 'EnMS', 'FSMS', 'HACCP', 'CCC', 'GREEN', 'LOWCARBON', 'SERVICE'],
    weight: 5,
    cccCode: '01',
    lastReportDaysAgo: 0,
    number: ({ year, letter, seq, renewal }) =>
      `001${pad(year % 100, 2)}${letter}${pad(seq, 5)}R${renewal}${seq % 3 === 0 ? 'L' : 'M'}`,
  },
  {
    code: 'YXC',
    name: '重庆渝信认证有限公司',
    nameEn: 'Chongqing Yuxin Certification Co., Ltd.',
    approvalNumber: 'CNCA-R-2004-118',
    schemes: ['QMS', 'EMS', 'OHSMS', 'EnMS', 'IPMS', 'FSMS', 'SERVICE'],
    weight: 4,
    lastReportDaysAgo: 1,
    number: ({ year, letter, seq }) => `YX-${letter}-${year}-${pad(seq, 6)}`,
  },
  {
    code: 'ZBH',
    name: '中标华信认证有限公司',
    nameEn: 'Zhongbiao Huaxin Certification Co., Ltd.',
    approvalNumber: 'CNCA-R-2009-056',
    schemes: ['ISMS', 'ITSMS', 'QMS', 'EMS', 'IPMS'],
    weight: 3,
    lastReportDaysAgo: 3,
    number: ({ year, letter, seq }) => `ZBH${pad(year % 100, 2)}${letter}${pad(seq, 6)}`,
  },
  {
    code: 'XNA',
    name: '西南安质认证服务有限公司',
    nameEn: 'Southwest Anzhi Certification Services Co., Ltd.',
    approvalNumber: 'CNCA-R-2011-203',
    schemes: ['QMS', 'EMS', 'OHSMS', 'EnMS', 'CCC', 'LOWCARBON'],
    weight: 3,
    cccCode: '07',
    lastReportDaysAgo: 9,
    number: ({ year, letter, seq, renewal }) => `XN${year}${letter}${pad(seq, 5)}R${renewal}`,
  },
  {
    code: 'LYC',
    name: '绿源有机认证中心有限公司',
    nameEn: 'Lvyuan Organic Certification Centre Co., Ltd.',
    approvalNumber: 'CNCA-R-2013-087',
    schemes: ['ORGANIC', 'GREEN', 'FSMS', 'HACCP'],
    weight: 2,
    lastReportDaysAgo: 2,
    number: ({ year, letter, seq }) => `LY${letter}${pad(year % 100, 2)}${pad(seq, 6)}`,
  },
  {
    code: 'HYR',
    name: '恒远认证有限公司',
    nameEn: 'Hengyuan Certification Co., Ltd.',
    approvalNumber: 'CNCA-R-2016-231',
    schemes: ['QMS', 'EMS', 'OHSMS', 'ISMS', 'SERVICE'],
    weight: 1,
    suspendedDaysAgo: 120,
    lastReportDaysAgo: 131,
    number: ({ year, letter, seq }) => `HY${year}-${letter}-${pad(seq, 5)}`,
  },
];

/** The letters a scheme contributes to certificate numbers. */
const SCHEME_LETTERS: Record<string, string> = {
  QMS: 'Q',
  EMS: 'E',
  OHSMS: 'S',
  FSMS: 'F',
  HACCP: 'H',
  ISMS: 'IS',
  ITSMS: 'IT',
  IPMS: 'IP',
  EnMS: 'EN',
  GREEN: 'GP',
  LOWCARBON: 'LC',
  ORGANIC: 'OP',
  SERVICE: 'SV',
};

/** The demo's certifying bodies, one of them with its CNCA approval suspended. */
export function demoBodies(today: string = todayInChina()): Body[] {
  const t = dayOf(today);
  return BODIES.map((b) => ({
    code: b.code,
    name: b.name,
    nameEn: b.nameEn,
    approvalNumber: b.approvalNumber,
    approvalStatus: b.suspendedDaysAgo === undefined ? 'approved' : 'suspended',
    approvalStatusDate: b.suspendedDaysAgo === undefined ? undefined : isoOf(t - b.suspendedDaysAgo),
    approvedSchemes: b.schemes,
    approvedIndustryCodes: [...new Set(INDUSTRIES.flatMap((i) => i.codes))].sort(),
    lastReportedAt: `${isoOf(t - b.lastReportDaysAgo)}T02:30:00.000Z`,
  }));
}

// ---------------------------------------------------------------------------------------------------------
// Places

interface District {
  code: string;
  /** How names start: the city, sometimes with the district. */
  prefixes: readonly string[];
  /** Full address prefix: province/city and district. */
  address: string;
  roads: readonly string[];
  weight: number;
}

const DISTRICTS: readonly District[] = [
  {
    code: '500106',
    prefixes: ['重庆', '重庆', '重庆', '重庆市沙坪坝区'],
    address: '重庆市沙坪坝区',
    roads: [
      '大学城中路',
      '大学城南路',
      '大学城西路',
      '学城大道',
      '西永大道',
      '西园一路',
      '西园二路',
      '曾家镇虎溪街',
      '土主镇土主中路',
      '天星桥正街',
      '小龙坎正街',
      '汉渝路',
      '凤天大道',
      '石小路',
      '沙坪坝正街',
      '双碑街',
      '青木关镇关口街',
      '井口工业园井康路',
      '陈家桥街道桥南路',
    ],
    weight: 45,
  },
  {
    code: '500107',
    prefixes: ['重庆'],
    address: '重庆市九龙坡区',
    roads: ['科园一路', '杨家坪正街', '谢家湾正街', '二郎科城路', '九龙园区华龙大道'],
    weight: 6,
  },
  {
    code: '500112',
    prefixes: ['重庆'],
    address: '重庆市渝北区',
    roads: ['金开大道', '黄山大道', '星光大道', '空港大道', '龙兴镇两江大道'],
    weight: 6,
  },
  {
    code: '500105',
    prefixes: ['重庆'],
    address: '重庆市江北区',
    roads: ['建新北路', '北滨一路', '观音桥步行街', '港安二路'],
    weight: 4,
  },
  {
    code: '500108',
    prefixes: ['重庆'],
    address: '重庆市南岸区',
    roads: ['南坪西路', '通江大道', '江南大道', '茶园新区长电路'],
    weight: 4,
  },
  {
    code: '500109',
    prefixes: ['重庆'],
    address: '重庆市北碚区',
    roads: ['云汉大道', '同兴工业园区', '蔡家岗街道嘉德大道', '天生路'],
    weight: 3,
  },
  {
    code: '500103',
    prefixes: ['重庆'],
    address: '重庆市渝中区',
    roads: ['民族路', '中山三路', '邹容路', '大坪正街'],
    weight: 2,
  },
  {
    code: '500120',
    prefixes: ['重庆', '重庆璧山'],
    address: '重庆市璧山区',
    roads: ['璧青北路', '璧泉街道东林大道', '青杠街道工业园区'],
    weight: 3,
  },
  {
    code: '510107',
    prefixes: ['成都'],
    address: '四川省成都市武侯区',
    roads: ['武侯大道', '科华北路', '武科西二路'],
    weight: 5,
  },
  {
    code: '440305',
    prefixes: ['深圳', '深圳市'],
    address: '广东省深圳市南山区',
    roads: ['科苑路', '高新南七道', '深南大道'],
    weight: 4,
  },
  {
    code: '440106',
    prefixes: ['广州'],
    address: '广东省广州市天河区',
    roads: ['天河路', '华夏路', '中山大道西'],
    weight: 3,
  },
  {
    code: '330106',
    prefixes: ['杭州'],
    address: '浙江省杭州市西湖区',
    roads: ['文三路', '古墩路', '西溪路'],
    weight: 3,
  },
  {
    code: '320506',
    prefixes: ['苏州'],
    address: '江苏省苏州市吴中区',
    roads: ['吴中大道', '木渎镇金山路', '越溪街道吴中东路'],
    weight: 3,
  },
  {
    code: '110108',
    prefixes: ['北京'],
    address: '北京市海淀区',
    roads: ['中关村大街', '学院路', '上地十街'],
    weight: 3,
  },
  {
    code: '310115',
    prefixes: ['上海'],
    address: '上海市浦东新区',
    roads: ['张江路', '世纪大道', '川沙路'],
    weight: 3,
  },
  {
    code: '420111',
    prefixes: ['武汉'],
    address: '湖北省武汉市洪山区',
    roads: ['珞喻路', '光谷大道', '关山大道'],
    weight: 2,
  },
  {
    code: '610113',
    prefixes: ['西安'],
    address: '陕西省西安市雁塔区',
    roads: ['科技路', '高新路', '丈八东路'],
    weight: 2,
  },
];
const DISTRICT_WEIGHTS = DISTRICTS.map((d) => [d, d.weight] as const);

// ---------------------------------------------------------------------------------------------------------
// Industries: what an organisation is called and does, and which schemes it certifies to

interface CccCategory {
  code: string;
  name: string;
  standard: string;
  model(r: Random): string;
}

interface Industry {
  words: readonly string[];
  weight: number;
  schemes: readonly (readonly [string, number])[];
  products: readonly string[];
  /** IAF/CNAS sector codes for management-system certificates. */
  codes: readonly string[];
  /** `manufacturing`: "...的设计、生产和销售"; `service`: the product is the activity. */
  activity: 'manufacturing' | 'service' | 'construction';
  ccc?: readonly CccCategory[];
  /** Products for green, low-carbon and organic product certificates, with their models. */
  productLines?: readonly { scheme: string; product: string; models: readonly string[] }[];
}

const letters = (r: Random, n: number) => {
  let s = '';
  for (let i = 0; i < n; i += 1) s += 'ABCDEFGHJKLMNPRSTWXYZ'[r.int(0, 20)];
  return s;
};

const CCC_CATEGORIES: Record<string, CccCategory> = {
  cable: {
    code: '0101',
    name: '额定电压450/750V及以下聚氯乙烯绝缘电线电缆',
    standard: 'GB/T 5023.3-2008',
    model: (r) =>
      `${r.pick(['BV', 'BVR', 'RVV', 'BLV'])} 450/750V ${r.pick(['1.5', '2.5', '4', '6', '10'])}mm²`,
  },
  plug: {
    code: '0201',
    name: '家用和类似用途插头插座',
    standard: 'GB/T 2099.1-2021',
    model: (r) => `${r.pick(['86Z', 'P', 'S'])}${r.int(10, 16)}-${r.int(1, 5)}${r.pick(['', 'K', 'T'])}`,
  },
  fridge: {
    code: '0701',
    name: '家用电冰箱和食品冷冻箱',
    standard: 'GB 4706.1-2005; GB 4706.13-2014',
    model: (r) => `BCD-${r.int(150, 650)}W${r.pick(['TPZM', 'DPM', 'S', 'KPZ', ''])}`,
  },
  fan: {
    code: '0703',
    name: '电风扇',
    standard: 'GB 4706.1-2005; GB 4706.27-2008',
    model: (r) =>
      `${r.pick(['FS', 'FD', 'FT', 'FB'])}${r.pick(['30', '35', '40', '45'])}-${r.int(1, 30)}${r.pick(['R', 'DR', ''])}`,
  },
  aircon: {
    code: '0704',
    name: '空调器',
    standard: 'GB 4706.1-2005; GB 4706.32-2012',
    model: (r) =>
      `KFR-${r.pick(['26', '35', '50', '72'])}${r.pick(['GW', 'LW'])}/${letters(r, 2)}${r.int(1, 99)}`,
  },
  heater: {
    code: '0707',
    name: '储水式电热水器',
    standard: 'GB 4706.1-2005; GB 4706.12-2006',
    model: (r) => `DSZF-${r.pick(['40', '50', '60', '80'])}-${letters(r, 1)}${r.int(1, 9)}`,
  },
  pc: {
    code: '0901',
    name: '微型计算机',
    standard: 'GB 4943.1-2022; GB/T 9254.1-2021',
    model: (r) => `${letters(r, 2)}${r.int(100, 999)}${r.pick(['-T', '-D', 'M', ''])}`,
  },
  adapter: {
    code: '0907',
    name: '电源适配器',
    standard: 'GB 4943.1-2022',
    model: (r) =>
      `${letters(r, 3)}-${r.pick(['050', '120', '190', '240'])}${r.pick(['100', '200', '300'])}${r.pick(['CN', 'C', ''])}`,
  },
  lamp: {
    code: '1104',
    name: '汽车前照灯',
    standard: 'GB 4599-2024',
    model: (r) => `${letters(r, 2)}-${r.int(1000, 9999)}${r.pick(['L', 'R', 'LR'])}`,
  },
  hose: {
    code: '1109',
    name: '汽车制动软管',
    standard: 'GB 16897-2022',
    model: (r) => `${r.pick(['液压', '气压'])}制动软管 ${letters(r, 1)}${r.int(300, 900)}`,
  },
  seat: {
    code: '1115',
    name: '汽车座椅及座椅头枕',
    standard: 'GB 15083-2019; GB 11550-2009',
    model: (r) => `${letters(r, 3)}${r.int(1, 9)}-${r.int(6800, 6899)}`,
  },
};

const INDUSTRIES: readonly Industry[] = [
  {
    words: ['精密机械制造', '机械制造', '机电设备', '齿轮制造'],
    weight: 12,
    schemes: [
      ['QMS', 10],
      ['EMS', 5],
      ['OHSMS', 5],
      ['EnMS', 1],
      ['IPMS', 1],
    ],
    products: ['精密机械零部件', '数控机床配件', '齿轮及传动部件', '液压元件', '工业阀门'],
    codes: ['17.12.05', '18.01.02', '18.05.07'],
    activity: 'manufacturing',
  },
  {
    words: ['汽车零部件', '摩托车配件', '汽车部件'],
    weight: 10,
    schemes: [
      ['QMS', 10],
      ['EMS', 4],
      ['OHSMS', 4],
      ['CCC', 4],
    ],
    products: ['汽车制动器总成', '汽车座椅骨架', '摩托车发动机零部件', '汽车灯具', '汽车线束'],
    codes: ['22.01.02', '22.02.00'],
    activity: 'manufacturing',
    ccc: [CCC_CATEGORIES.lamp, CCC_CATEGORIES.hose, CCC_CATEGORIES.seat] as CccCategory[],
  },
  {
    words: ['电器', '电子科技', '电气', '家电'],
    weight: 10,
    schemes: [
      ['QMS', 8],
      ['CCC', 10],
      ['EMS', 3],
      ['OHSMS', 1],
    ],
    products: ['家用电器', '电子元器件', '开关插座', '照明电器', '电源适配器'],
    codes: ['19.05.01', '19.09.00'],
    activity: 'manufacturing',
    ccc: [
      CCC_CATEGORIES.fridge,
      CCC_CATEGORIES.fan,
      CCC_CATEGORIES.aircon,
      CCC_CATEGORIES.heater,
      CCC_CATEGORIES.plug,
      CCC_CATEGORIES.pc,
      CCC_CATEGORIES.adapter,
    ] as CccCategory[],
  },
  {
    words: ['电线电缆', '线缆'],
    weight: 3,
    schemes: [
      ['CCC', 8],
      ['QMS', 5],
    ],
    products: ['电线电缆', '电力电缆', '控制电缆'],
    codes: ['19.02.01'],
    activity: 'manufacturing',
    ccc: [CCC_CATEGORIES.cable] as CccCategory[],
  },
  {
    words: ['食品', '调味品', '火锅食品', '农产品加工'],
    weight: 9,
    schemes: [
      ['FSMS', 6],
      ['HACCP', 6],
      ['QMS', 5],
      ['ORGANIC', 1],
    ],
    products: [
      '火锅底料（半固态调味料）',
      '辣椒制品',
      '方便食品（方便粉丝）',
      '酱卤肉制品',
      '豆制品（豆干）',
      '糕点',
    ],
    codes: ['03.01.00', '03.04.00'],
    activity: 'manufacturing',
    productLines: [
      { scheme: 'ORGANIC', product: '有机大米', models: ['大米', '糙米'] },
      { scheme: 'ORGANIC', product: '有机菜籽油', models: ['压榨菜籽油'] },
    ],
  },
  {
    words: ['生态农业', '农业开发', '茶业', '果业'],
    weight: 4,
    schemes: [
      ['ORGANIC', 10],
      ['QMS', 1],
    ],
    products: ['茶叶种植和加工', '柑橘种植', '蔬菜种植', '猕猴桃种植'],
    codes: ['01.01.00'],
    activity: 'service',
    productLines: [
      { scheme: 'ORGANIC', product: '有机茶叶', models: ['绿茶', '红茶', '白茶'] },
      { scheme: 'ORGANIC', product: '有机柑橘', models: ['脐橙', '血橙', '柠檬'] },
      { scheme: 'ORGANIC', product: '有机蔬菜', models: ['辣椒', '青菜头', '萝卜', '番茄'] },
      { scheme: 'ORGANIC', product: '有机猕猴桃', models: ['红心猕猴桃', '绿心猕猴桃'] },
      { scheme: 'ORGANIC', product: '有机蜂蜜', models: ['百花蜜', '洋槐蜜'] },
    ],
  },
  {
    words: ['软件', '信息技术', '网络科技', '数据科技', '智能科技'],
    weight: 10,
    schemes: [
      ['ISMS', 8],
      ['ITSMS', 5],
      ['QMS', 6],
      ['IPMS', 3],
    ],
    products: ['计算机应用软件开发', '信息系统集成服务', '数据处理和存储服务', '信息技术运行维护服务'],
    codes: ['33.01.00', '33.02.00'],
    activity: 'service',
  },
  {
    words: ['建筑工程', '建设工程', '市政工程', '建筑安装工程'],
    weight: 10,
    schemes: [
      ['QMS', 10],
      ['EMS', 8],
      ['OHSMS', 8],
    ],
    products: [
      '房屋建筑工程施工总承包',
      '市政公用工程施工总承包',
      '建筑装修装饰工程专业承包',
      '机电工程施工总承包',
    ],
    codes: ['28.01.00', '28.02.00', '28.05.00'],
    activity: 'construction',
  },
  {
    words: ['物业管理', '物业服务'],
    weight: 5,
    schemes: [
      ['QMS', 6],
      ['EMS', 4],
      ['OHSMS', 4],
      ['SERVICE', 4],
    ],
    products: ['住宅小区物业管理服务', '写字楼物业管理服务', '学校物业管理服务'],
    codes: ['35.16.00'],
    activity: 'service',
  },
  {
    words: ['酒店管理', '酒店', '宾馆'],
    weight: 3,
    schemes: [
      ['SERVICE', 8],
      ['FSMS', 3],
      ['QMS', 2],
    ],
    products: ['住宿服务', '住宿和餐饮服务', '会议服务'],
    codes: ['30.01.00'],
    activity: 'service',
  },
  {
    words: ['餐饮管理', '餐饮文化', '火锅餐饮'],
    weight: 4,
    schemes: [
      ['SERVICE', 6],
      ['FSMS', 5],
      ['HACCP', 3],
    ],
    products: ['餐饮服务（火锅）', '餐饮服务（中餐）', '团体膳食服务'],
    codes: ['30.02.00'],
    activity: 'service',
  },
  {
    words: ['旅游开发', '文化旅游'],
    weight: 2,
    schemes: [
      ['SERVICE', 8],
      ['QMS', 2],
    ],
    products: ['旅游景区服务', '旅行社服务'],
    codes: ['30.03.00'],
    activity: 'service',
  },
  {
    words: ['建材', '新型建材', '水泥', '玻璃'],
    weight: 4,
    schemes: [
      ['QMS', 6],
      ['EMS', 4],
      ['EnMS', 3],
      ['LOWCARBON', 5],
      ['GREEN', 4],
    ],
    products: ['通用硅酸盐水泥', '平板玻璃', '预拌混凝土', '建筑涂料', '铝合金建筑型材'],
    codes: ['15.01.00', '16.02.00'],
    activity: 'manufacturing',
    productLines: [
      { scheme: 'LOWCARBON', product: '通用硅酸盐水泥', models: ['P·O 42.5', 'P·O 52.5', 'P·C 32.5R'] },
      {
        scheme: 'LOWCARBON',
        product: '平板玻璃',
        models: ['浮法玻璃 5mm', '浮法玻璃 8mm', '超白浮法玻璃 6mm'],
      },
      { scheme: 'GREEN', product: '建筑涂料', models: ['内墙乳胶漆 JT-800', '外墙弹性涂料 WQ-300'] },
      { scheme: 'GREEN', product: '陶瓷砖（板）', models: ['600×1200mm 通体砖', '800×800mm 抛光砖'] },
    ],
  },
  {
    words: ['家具', '家居', '木业'],
    weight: 3,
    schemes: [
      ['QMS', 6],
      ['EMS', 4],
      ['GREEN', 5],
      ['OHSMS', 2],
    ],
    products: ['办公家具', '实木家具', '人造板和木质地板'],
    codes: ['23.01.00'],
    activity: 'manufacturing',
    productLines: [
      { scheme: 'GREEN', product: '家具', models: ['办公桌 BG-1600', '文件柜 WJ-900', '会议椅 HY-02'] },
      { scheme: 'GREEN', product: '人造板和木质地板', models: ['强化复合地板 12mm', '实木复合地板 15mm'] },
    ],
  },
  {
    words: ['物流', '供应链管理', '仓储服务'],
    weight: 4,
    schemes: [
      ['QMS', 6],
      ['SERVICE', 3],
      ['OHSMS', 2],
    ],
    products: ['道路普通货物运输服务', '仓储服务', '城市配送服务'],
    codes: ['31.01.00'],
    activity: 'service',
  },
  {
    words: ['能源', '新能源', '电力工程'],
    weight: 3,
    schemes: [
      ['EnMS', 6],
      ['QMS', 5],
      ['OHSMS', 4],
      ['EMS', 3],
      ['IPMS', 1],
    ],
    products: ['光伏组件', '锂离子电池', '储能系统'],
    codes: ['19.10.00'],
    activity: 'manufacturing',
  },
  {
    words: ['科技', '实业'],
    weight: 6,
    schemes: [
      ['QMS', 6],
      ['IPMS', 4],
      ['EMS', 2],
    ],
    products: ['工业自动化设备', '环保设备', '检测仪器', '实验室仪器'],
    codes: ['18.09.00', '19.11.00'],
    activity: 'manufacturing',
  },
];
const INDUSTRY_WEIGHTS = INDUSTRIES.map((i) => [i, i.weight] as const);

/** Characters of trade names (字号): two (sometimes three) of them make a name such as 渝强 or 鑫泰. */
const TRADE_NAME_CHARACTERS = [
  ...'渝强鑫盛华瑞泰丰源达新宏恒伟嘉博诚信立昌兴隆宇星汇通远景和安晟鼎欣润佳川江峰德益福顺凯俊腾正卓金明光天海创科智荣耀',
];

const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
];
const GIVEN_NAMES = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚文华红玲鹏辉斌宇浩凯健俊帆旭宁龙林欢阳丹萍亮婷云莉波兵琳颖倩楠飞',
  '秀英',
  '桂英',
  '建华',
  '建国',
  '志强',
  '海燕',
  '晓东',
  '雪梅',
  '小红',
  '国庆',
];

// ---------------------------------------------------------------------------------------------------------
// Identifiers

const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11714 organisation code: 8 characters and their check character. */
function withOrgCodeCheck(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i += 1) {
    const ch = first8[i] as string;
    const value = ch >= '0' && ch <= '9' ? Number(ch) : ch.charCodeAt(0) - 55;
    sum += value * (ORG_CODE_WEIGHTS[i] as number);
  }
  const c = 11 - (sum % 11);
  return first8 + (c === 10 ? 'X' : c === 11 ? '0' : String(c));
}

/**
 * A bijection on [0, 10^8): four Feistel rounds on two 4-digit halves. Organisation n gets the code of
 * permute(n), so codes never repeat and still look random.
 */
function permute(n: number, seed: number): number {
  let left = Math.floor(n / 10_000);
  let right = n % 10_000;
  for (let round = 0; round < 4; round += 1) {
    const f = (Math.imul(right ^ seed, 0x45d9f3b) + round * 0x9e37) >>> 0;
    [left, right] = [right, (left + (f % 10_000)) % 10_000];
  }
  return left * 10_000 + right;
}

/** A valid unified social credit code for organisation `index` in `division`: never the same twice. */
export function demoCreditCode(index: number, division: string, seed: number = DEFAULT_SEED): string {
  const n = permute(index % 100_000_000, seed);
  let orgCode: string;
  if (index % 5 < 3) {
    // Codes issued since 2015 read like 91500106MA5U1XXXXX: "MA" and base-31 characters.
    let rest = '';
    let x = n;
    for (let i = 0; i < 6; i += 1) {
      rest = CREDIT_ALPHABET[x % 31] + rest;
      x = Math.floor(x / 31);
    }
    orgCode = withOrgCodeCheck(`MA${rest}`);
  } else {
    orgCode = withOrgCodeCheck(pad(n, 8));
  }
  return withCheckCharacter(`91${division}${orgCode}`);
}

// ---------------------------------------------------------------------------------------------------------
// Statuses

type Outcome = StoredStatus | 'expired';

const OUTCOMES: readonly (readonly [Outcome, number])[] = [
  ['valid', 70],
  ['expired', 8],
  ['suspended', 9],
  ['revoked', 5],
  ['withdrawn', 8],
];

const REASONS: Record<
  'suspended' | 'revoked' | 'withdrawn',
  Record<'system' | 'product', readonly string[]>
> = {
  suspended: {
    system: [
      '未按规定期限接受监督审核',
      '获证组织主动申请暂停',
      '监督审核发现管理体系存在严重不符合，未在规定期限内完成整改',
      '获证组织发生重大质量安全事故，正在调查处理',
    ],
    product: [
      '产品监督抽样检测不合格',
      '工厂检查发现质量保证能力不符合要求',
      '获证组织未按规定接受监督检查',
      '获证产品变更未经认证机构确认',
    ],
  },
  revoked: {
    system: [
      '暂停期满未采取有效纠正措施',
      '获证组织提供虚假材料获得认证',
      '拒不接受监督审核',
      '获证组织被责令停产停业整顿',
    ],
    product: [
      '暂停期满未采取有效纠正措施',
      '获证产品存在缺陷导致质量安全事故',
      '拒绝接受国家产品质量监督抽查',
      '监督抽查发现获证产品严重不符合认证要求',
    ],
  },
  withdrawn: {
    system: [
      '获证组织申请注销',
      '获证组织营业执照已注销',
      '获证组织转换认证机构',
      '证书有效期内不再保持认证',
    ],
    product: [
      '获证组织申请注销',
      '获证组织营业执照已注销',
      '获证产品已停产',
      '获证组织不再生产认证范围内的产品',
    ],
  },
};

// ---------------------------------------------------------------------------------------------------------
// The generator

export interface GenerateOptions {
  /** How many certificates in all. */
  count: number;
  seed?: number;
  /** Certificates per yielded batch. */
  batchSize?: number;
  /** The day dates are relative to (YYYY-MM-DD); today in China by default. */
  today?: string;
}

interface Auditor {
  name: string;
  registrationNumber: string;
  scheme: string;
}

function personName(r: Random): string {
  const given = r.pick(GIVEN_NAMES);
  return (
    r.pick(SURNAMES) + (given.length === 1 && r.chance(0.5) ? given + r.pick(GIVEN_NAMES).slice(0, 1) : given)
  );
}

/** The longest audit the rosters allow, in days: audits ending two weeks apart then never share a day. */
const MAX_ROSTER_DAYS = 8;
/** The largest audit team: the roster slots of one audit. */
const MAX_TEAM = 4;
/** Registration serials per pool (body and scheme). */
const POOL_SERIALS = 40_000;

/**
 * Each body's auditors, by scheme, as weekly rosters: the k-th audit of a body and scheme that ends in a
 * week is done by slots 4k, 4k + 1, ... (at most MAX_TEAM) of the roster of that week's parity (even and
 * odd weeks have rosters of their own). The same people sign many audits (as in life), but never two that
 * overlap: an audit lasts at most MAX_ROSTER_DAYS (8) days, so audits ending two weeks apart cannot share a
 * day, and those ending in the same week, or in adjacent ones, never share a roster slot. An audit longer
 * or a team larger would break that, so `team` refuses them. (Real auditors keep one place at a time; the
 * auditor-overlap rule is there for the records where they do not.)
 */
function auditorRosters(seed: number) {
  const pools = new Map<string, number>();
  for (const body of BODIES)
    for (const scheme of body.schemes) pools.set(`${body.code}:${scheme}`, pools.size);
  const audits = new Map<string, number>();
  const known = new Map<string, Auditor>();

  function auditor(pool: string, scheme: string, index: number): Auditor {
    const key = `${pool}:${index}`;
    let found = known.get(key);
    if (!found) {
      const poolIndex = pools.get(pool) ?? 0;
      const tag =
        findScheme(scheme)?.kind === 'management'
          ? scheme.toUpperCase()
          : scheme === 'SERVICE'
            ? 'SC'
            : 'PCI';
      // Each pool numbers its auditors in a range of its own: past it, two pools would share people.
      if (index >= POOL_SERIALS)
        throw new Error(`demo rosters: pool ${pool} needs more than ${POOL_SERIALS} auditors`);
      const serial = 1_000_000 + poolIndex * POOL_SERIALS + index;
      found = {
        name: personName(createRandom(seed ^ (0x5eed + serial))),
        registrationNumber: `${2008 + ((poolIndex * 31 + index * 7) % 17)}-N1${tag}-${pad(serial, 7)}`,
        scheme,
      };
      known.set(key, found);
    }
    return found;
  }

  return {
    /** The team of `size` of the next audit of `pool` (body:scheme), from `startDay` to `endDay`. */
    team(pool: string, scheme: string, startDay: number, endDay: number, size: number): Auditor[] {
      const days = endDay - startDay + 1;
      if (days > MAX_ROSTER_DAYS || size > MAX_TEAM || size < 1) {
        throw new Error(
          `demo rosters: an audit of ${days} days by ${size} auditors (at most ${MAX_ROSTER_DAYS} days and ${MAX_TEAM} auditors) would put an auditor in two audits at once`,
        );
      }
      const week = Math.floor(endDay / 7);
      const weekKey = `${pool}:${week}`;
      const k = audits.get(weekKey) ?? 0;
      audits.set(weekKey, k + 1);
      return Array.from({ length: size }, (_, i) =>
        auditor(pool, scheme, (k * MAX_TEAM + i) * 2 + (week % 2)),
      );
    },
  };
}

/**
 * Audit man-days from the size of the organisation, by IAF MD5 as the man-days rule reads it (its table of
 * initial audit days, a recertification about two thirds of it): 75 % to 110 % of the figure, in half
 * days rounded up, never below the rule's floor (70 %). Product and service audits take a day or a few.
 */
function manDaysFor(r: Random, employees: number, scheme: string, type: AuditType): number {
  if (findScheme(scheme)?.kind !== 'management') return r.pick([1, 1.5, 2, 2, 3]);
  const table = INITIAL_AUDIT_DAYS[scheme] ?? (INITIAL_AUDIT_DAYS.QMS as readonly number[]);
  const band = EMPLOYEE_BANDS.findIndex((upper) => employees <= upper);
  const initial = table[Math.min(band < 0 ? table.length - 1 : band, table.length - 1)] as number;
  const share = (type === 'initial' ? 1 : 2 / 3) * (0.75 + r.int(0, 7) * 0.05);
  return Math.ceil(initial * share * 2) / 2;
}

function activityText(industry: Industry, product: string): string {
  switch (industry.activity) {
    case 'manufacturing':
      return `${product}的设计、生产和销售`;
    case 'construction':
      return `资质范围内${product}`;
    default:
      return product;
  }
}

function managementScope(scheme: string, activity: string, product: string): string {
  switch (scheme) {
    case 'EMS':
      return `${activity}及其所涉及场所的相关环境管理活动`;
    case 'OHSMS':
      return `${activity}及其所涉及场所的相关职业健康安全管理活动`;
    case 'EnMS':
      return `${activity}所涉及的能源管理活动`;
    case 'ISMS':
      return `与${product}相关的信息安全管理活动（适用性声明版本：V1.${product.length % 4}）`;
    case 'ITSMS':
      return `向外部客户提供${product}的信息技术服务管理活动`;
    case 'IPMS':
      return `${product}的研发、生产、销售及采购过程中的知识产权管理`;
    case 'HACCP':
      return `${activity}（HACCP体系）`;
    default:
      return activity;
  }
}

interface Organisation {
  index: number;
  name: string;
  tradeName: string;
  creditCode: string;
  address: string;
  district: District;
  industry: Industry;
  employees: number;
  product: string;
}

/**
 * Streams `count` certificates as arrays of `batchSize` (5000 by default), each parsed by
 * certificateInputSchema exactly as an upload would be. Only one batch is in memory at a time.
 */
export function* generateCertificates(options: GenerateOptions): Generator<CertificateData[]> {
  const seed = options.seed ?? DEFAULT_SEED;
  const batchSize = options.batchSize ?? 5000;
  const today = dayOf(options.today ?? todayInChina());
  const r = createRandom(seed);
  const rosters = auditorRosters(seed);
  const sequences = new Map<string, number>();
  const nextSeq = (key: string) => {
    // Numbering does not start at 1: the registry joins a body's numbering at some point of its history.
    const n = (sequences.get(key) ?? r.int(100, 2999)) + 1;
    sequences.set(key, n);
    return n;
  };
  const bodiesByScheme = new Map<string, (readonly [DemoBody, number])[]>();
  for (const body of BODIES) {
    for (const scheme of body.schemes) {
      const list = bodiesByScheme.get(scheme) ?? [];
      list.push([body, body.weight]);
      bodiesByScheme.set(scheme, list);
    }
  }

  let orgIndex = 0;
  function organisation(): Organisation {
    const index = orgIndex;
    orgIndex += 1;
    const district = r.weighted(DISTRICT_WEIGHTS);
    const industry = r.weighted(INDUSTRY_WEIGHTS);
    let tradeName = r.pick(TRADE_NAME_CHARACTERS);
    const tradeNameLength = r.chance(0.1) ? 3 : 2;
    while (tradeName.length < tradeNameLength) {
      const ch = r.pick(TRADE_NAME_CHARACTERS);
      if (!tradeName.includes(ch)) tradeName += ch;
    }
    const employees = Math.round(8 * Math.exp(r.next() * 5.5));
    const suffix =
      employees > 500 && r.chance(0.5) ? '股份有限公司' : r.chance(0.06) ? '有限责任公司' : '有限公司';
    const name = `${r.pick(district.prefixes)}${tradeName}${r.pick(industry.words)}${suffix}`;
    const address = `${district.address}${r.pick(district.roads)}${r.int(1, 399)}号`;
    return {
      index,
      name,
      tradeName,
      creditCode: demoCreditCode(index, district.code, seed),
      address,
      district,
      industry,
      employees,
      product: r.pick(industry.products),
    };
  }

  function certificate(
    org: Organisation,
    scheme: string,
    preferredBody: DemoBody | undefined,
  ): CertificateInput {
    const kind = findScheme(scheme)?.kind ?? 'management';
    const candidates = bodiesByScheme.get(scheme) ?? [];
    const body =
      preferredBody && preferredBody.schemes.includes(scheme) && r.chance(0.85)
        ? preferredBody
        : r.weighted(candidates);
    const years = scheme === 'ORGANIC' ? 1 : scheme === 'CCC' ? 5 : 3;
    const latestIssue = Math.min(
      today - 5,
      body.suspendedDaysAgo === undefined ? Infinity : today - body.suspendedDaysAgo - 1,
    );
    const span = expiryDay(0, years); // validity in days, less one

    let outcome = r.weighted(OUTCOMES);
    let issue: number;
    let statusDay: number | undefined;
    // Valid (and suspended) certificates must still be in force today, so they need a recent enough issue.
    const earliestInForce = today - span + 1;
    if ((outcome === 'valid' || outcome === 'suspended') && earliestInForce + 30 > latestIssue)
      outcome = 'expired';
    switch (outcome) {
      case 'valid':
        issue = r.int(earliestInForce + 30, latestIssue);
        break;
      case 'suspended': {
        issue = r.int(earliestInForce + 30, latestIssue);
        // Suspensions follow a missed surveillance audit: about a year after issue where the dates allow.
        const from = Math.min(issue + (years > 1 ? 330 : 60), today - 1);
        statusDay = r.int(Math.max(issue + 1, from), today);
        break;
      }
      case 'expired':
        issue = Math.min(latestIssue, r.int(today - span - 400, today - span - 1));
        break;
      default: {
        issue = Math.min(latestIssue, r.int(today - span - 700, today - 30));
        statusDay = r.int(issue + 1, Math.min(today, issue + span, issue + 900));
      }
    }
    const expiry = expiryDay(issue, years);
    const issueDate = new Date(issue * DAY_MS);
    const year = issueDate.getUTCFullYear();
    const renewal = r.weighted([
      [0, 5],
      [1, 3],
      [2, 2],
      [3, 1],
    ] as const);

    let number: string;
    let scope: string;
    let productModels: string[] | undefined;
    let industryCodes: string[] | undefined;
    if (scheme === 'CCC') {
      const category = r.pick(org.industry.ccc ?? [CCC_CATEGORIES.plug as CccCategory]);
      const seq = nextSeq(`CCC:${year}:${body.cccCode}:${category.code}`);
      number = `${year}${body.cccCode ?? '00'}${category.code}${pad(seq, 6)}`;
      const models = new Set<string>();
      const n = r.int(1, 5);
      for (let i = 0; i < n; i += 1) models.add(category.model(r));
      productModels = [...models];
      scope = `产品名称：${category.name}；产品标准和技术要求：${category.standard}；认证模式：型式试验+初始工厂检查+获证后监督`;
    } else {
      const letter = SCHEME_LETTERS[scheme] ?? 'X';
      const seq = nextSeq(`${body.code}:${year}:${letter}`);
      number = body.number({ year, letter, seq, renewal });
      if (kind === 'management') {
        scope = managementScope(scheme, activityText(org.industry, org.product), org.product);
        industryCodes = [r.pick(org.industry.codes)];
      } else if (kind === 'service') {
        scope = `服务认证（${r.pick(['五星级', '四星级', '达标级'])}）：${org.product}`;
      } else {
        const lines = (org.industry.productLines ?? []).filter((l) => l.scheme === scheme);
        const line = lines.length > 0 ? r.pick(lines) : { product: org.product, models: [org.product] };
        productModels = line.models.filter(() => r.chance(0.7));
        if (productModels.length === 0) productModels = [line.models[0] as string];
        scope =
          scheme === 'ORGANIC'
            ? `有机产品（${line.product}）的${org.industry.activity === 'service' ? '种植和加工' : '加工'}，基地面积 ${r.int(50, 3000)} 亩`
            : `${findScheme(scheme)?.zh ?? scheme}：${line.product}`;
      }
    }

    // The audit that led to the certificate: a few weeks before issue, by the body's auditors for the scheme.
    // A certificate renewed (R1, R2 ...) rests on a recertification audit.
    const auditType: AuditType = renewal === 0 ? 'initial' : 'recertification';
    const manDays = manDaysFor(r, org.employees, scheme, auditType);
    // Enough auditors for the audit to fit in MAX_ROSTER_DAYS (the largest, 31 man-days, takes 4 for 8 days).
    const team = Math.min(
      MAX_TEAM,
      Math.max(manDays >= 6 ? r.int(2, 3) : r.int(1, 2), Math.ceil(manDays / MAX_ROSTER_DAYS)),
    );
    const auditEnd = issue - r.int(7, 45);
    const auditStart = auditEnd - Math.max(0, Math.ceil(manDays / team) - 1);
    const roster = rosters.team(`${body.code}:${scheme}`, scheme, auditStart, auditEnd, team);
    const auditors = roster.map((a, i) => ({
      name: a.name,
      registrationNumber: a.registrationNumber,
      role: i === 0 ? ('leader' as const) : ('member' as const),
    }));

    const sites: { name?: string; address: string }[] = [{ name: '注册地址', address: org.address }];
    if (org.industry.activity === 'manufacturing' && r.chance(0.3)) {
      sites.push({
        name: kind === 'product' ? '生产企业' : '生产场所',
        address: `${org.district.address}${r.pick(org.district.roads)}${r.int(1, 399)}号${r.int(1, 12)}号厂房`,
      });
    }

    const reasonKind = kind === 'management' ? 'system' : 'product';
    const stored: StoredStatus = outcome === 'expired' ? 'valid' : outcome;
    return {
      number,
      bodyCode: body.code,
      scheme,
      holder: { name: org.name, creditCode: org.creditCode, address: org.address, employees: org.employees },
      scope,
      productModels,
      industryCodes,
      sites,
      issueDate: isoOf(issue),
      expiryDate: isoOf(expiry),
      status: stored,
      statusReason: stored === 'valid' ? undefined : r.pick(REASONS[stored][reasonKind]),
      statusDate: statusDay === undefined ? undefined : isoOf(statusDay),
      audit: { startDate: isoOf(auditStart), endDate: isoOf(auditEnd), manDays, auditors, type: auditType },
    };
  }

  let produced = 0;
  let batch: CertificateData[] = [];
  while (produced < options.count) {
    const org = organisation();
    // Most organisations hold one certificate; some hold the "three systems" or several products.
    const held = r.weighted([
      [1, 64],
      [2, 20],
      [3, 12],
      [4, 4],
    ] as const);
    const schemes = new Set<string>();
    for (let i = 0; i < held * 3 && schemes.size < held; i += 1)
      schemes.add(r.weighted(org.industry.schemes));
    let preferred: DemoBody | undefined;
    for (const scheme of schemes) {
      if (produced >= options.count) break;
      const input = certificate(org, scheme, preferred);
      preferred ??= BODIES.find((b) => b.code === input.bodyCode);
      batch.push(certificateInputSchema.parse(input));
      produced += 1;
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * The auditor register of the demo world (what an admin imports from the CCAA export before the
 * certificates arrive): every auditor of these certificates' audits, registered for the scheme of their
 * roster (each roster serves one body and scheme), from January of the year their number carries (or
 * earlier, for the oldest audits of the world: the first registration, which renewals keep) until two
 * years after `today`. Deterministic: the same auditor yields the same entry whatever batch names them.
 */
export function demoRegistrations(
  certificates: Iterable<CertificateData>,
  options: { today?: string; importedAt?: string; importId?: string } = {},
): RegisteredAuditor[] {
  const today = dayOf(options.today ?? todayInChina());
  // The earliest audit the generator writes ends about 7 years before today (an expired CCC certificate).
  const firstDay = isoOf(today - 3_300);
  const validTo = isoOf(today + 730);
  const out = new Map<string, RegisteredAuditor>();
  for (const cert of certificates) {
    for (const auditor of cert.audit?.auditors ?? []) {
      if (out.has(auditor.registrationNumber)) continue;
      const year = `${auditor.registrationNumber.slice(0, 4)}-01-01`;
      out.set(auditor.registrationNumber, {
        registrationNumber: auditor.registrationNumber,
        name: auditor.name,
        schemes: [cert.scheme],
        level: '审核员',
        validFrom: year < firstDay ? year : firstDay,
        validTo,
        importedAt: options.importedAt ?? new Date(0).toISOString(),
        importId: options.importId ?? 'demo-register',
      });
    }
  }
  return [...out.values()];
}

/** Two- and three-character name fragments that occur in the demo data, for search examples and the benchmark. */
export const DEMO_SEARCH_FRAGMENTS: readonly string[] = [
  '渝强',
  '鑫泰',
  '华瑞',
  '恒达',
  '宏源',
  '嘉诚',
  '机械',
  '电器',
  '食品',
  '火锅',
  '软件',
  '物业',
  '建筑',
  '家具',
  '沙坪坝',
  '璧山',
  '新能源',
  '调味品',
  '零部件',
];

/**
 * `count` Chinese name fragments of two or three characters, as people type them: trade names (most match a
 * handful of organisations), industry words and places (many match hundreds). Deterministic for a seed.
 */
export function demoSearchFragments(count: number, seed: number = DEFAULT_SEED): string[] {
  const r = createRandom(seed ^ 0xf00d);
  const words = [...new Set(INDUSTRIES.flatMap((i) => i.words))];
  const places = ['沙坪坝', '璧山', '重庆市', '成都', '深圳'];
  const fragments: string[] = [];
  while (fragments.length < count) {
    const kind = r.weighted([
      ['trade', 6],
      ['word', 3],
      ['place', 1],
    ] as const);
    if (kind === 'trade') {
      const a = r.pick(TRADE_NAME_CHARACTERS);
      const b = r.pick(TRADE_NAME_CHARACTERS);
      if (a !== b) fragments.push(a + b);
    } else if (kind === 'word') {
      const word = r.pick(words);
      const length = Math.min(word.length, r.int(2, 3));
      const start = r.int(0, word.length - length);
      fragments.push(word.slice(start, start + length));
    } else {
      fragments.push(r.pick(places));
    }
  }
  return fragments;
}
