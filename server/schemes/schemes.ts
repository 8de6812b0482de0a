import { toHalfWidth } from '../platform/normalize';

/**
 * Certification schemes the registry knows. `code` is what uploads and the API use; names are shown
 * to the public. `kind` decides whether industry codes (management systems) or product models apply.
 */
export interface Scheme {
  code: string;
  kind: 'management' | 'product' | 'service';
  zh: string;
  en: string;
  standard?: string;
}

export const SCHEMES: readonly Scheme[] = [
  {
    code: 'QMS',
    kind: 'management',
    zh: '质量管理体系认证',
    en: 'Quality management system',
    standard: 'GB/T 19001 / ISO 9001',
  },
  {
    code: 'EMS',
    kind: 'management',
    zh: '环境管理体系认证',
    en: 'Environmental management system',
    standard: 'GB/T 24001 / ISO 14001',
  },
  {
    code: 'OHSMS',
    kind: 'management',
    zh: '职业健康安全管理体系认证',
    en: 'Occupational health and safety management system',
    standard: 'GB/T 45001 / ISO 45001',
  },
  {
    code: 'FSMS',
    kind: 'management',
    zh: '食品安全管理体系认证',
    en: 'Food safety management system',
    standard: 'ISO 22000',
  },
  { code: 'HACCP', kind: 'management', zh: '危害分析与关键控制点体系认证', en: 'HACCP system' },
  {
    code: 'ISMS',
    kind: 'management',
    zh: '信息安全管理体系认证',
    en: 'Information security management system',
    standard: 'ISO/IEC 27001',
  },
  {
    code: 'ITSMS',
    kind: 'management',
    zh: '信息技术服务管理体系认证',
    en: 'IT service management system',
    standard: 'ISO/IEC 20000-1',
  },
  {
    code: 'IPMS',
    kind: 'management',
    zh: '知识产权管理体系认证',
    en: 'Intellectual property management system',
    standard: 'GB/T 29490',
  },
  {
    code: 'EnMS',
    kind: 'management',
    zh: '能源管理体系认证',
    en: 'Energy management system',
    standard: 'GB/T 23331 / ISO 50001',
  },
  { code: 'CCC', kind: 'product', zh: '强制性产品认证', en: 'China Compulsory Certification (CCC)' },
  { code: 'LOWCARBON', kind: 'product', zh: '低碳产品认证', en: 'Low-carbon product' },
  { code: 'GREEN', kind: 'product', zh: '绿色产品认证', en: 'Green product' },
  { code: 'ORGANIC', kind: 'product', zh: '有机产品认证', en: 'Organic product', standard: 'GB/T 19630' },
  { code: 'SERVICE', kind: 'service', zh: '服务认证', en: 'Service certification' },
];

const BY_CODE = new Map(SCHEMES.map((s) => [s.code.toUpperCase(), s]));

/** The scheme with this code (case-insensitive), or undefined. */
export function findScheme(code: string): Scheme | undefined {
  return BY_CODE.get(code.toUpperCase());
}

export const SCHEME_CODES = SCHEMES.map((s) => s.code) as [string, ...string[]];

/**
 * What bodies write for a scheme in their own files besides the code: standard numbers, short
 * Chinese names, English abbreviations. Upload parsing resolves these to the code; the API keeps
 * taking codes only.
 */
const SCHEME_ALIASES: Readonly<Record<string, readonly string[]>> = {
  QMS: ['质量管理体系', '质量体系', '质量管理', 'QM', 'QUALITY'],
  EMS: ['环境管理体系', '环境体系', '环境管理', 'EM', 'ENVIRONMENT', 'ENVIRONMENTAL'],
  OHSMS: ['职业健康安全管理体系', '职业健康安全', 'OHS', 'OHSAS', 'OHSM', 'OHSAS18001'],
  FSMS: ['食品安全管理体系', '食品安全', 'FOODSAFETY'],
  HACCP: ['危害分析与关键控制点', 'HACCP体系'],
  ISMS: ['信息安全管理体系', '信息安全'],
  ITSMS: ['信息技术服务管理体系', 'IT服务管理体系', 'ITSM'],
  IPMS: ['知识产权管理体系', '知识产权', 'IPM'],
  EnMS: ['能源管理体系', '能源管理', 'ENERGY'],
  CCC: ['3C', 'CCC认证', '中国强制性产品认证', '强制性认证'],
  LOWCARBON: ['低碳产品', '低碳', 'LOW-CARBON', 'LOWCARBONPRODUCT'],
  GREEN: ['绿色产品', '绿色', 'GREENPRODUCT'],
  ORGANIC: ['有机产品', '有机', 'ORGANICPRODUCT'],
  SERVICE: ['服务'],
};

/** Standard numbers (without year) that name one scheme, as in "GB/T 19001-2016/ISO 9001:2015". */
const STANDARD_NUMBERS: Readonly<Record<string, string>> = {
  '9001': 'QMS',
  '19001': 'QMS',
  '14001': 'EMS',
  '24001': 'EMS',
  '45001': 'OHSMS',
  '28001': 'OHSMS',
  '18001': 'OHSMS',
  '22000': 'FSMS',
  '27341': 'HACCP',
  '27001': 'ISMS',
  '22080': 'ISMS',
  '20000': 'ITSMS',
  '24405': 'ITSMS',
  '29490': 'IPMS',
  '50001': 'EnMS',
  '23331': 'EnMS',
  '19630': 'ORGANIC',
};

const foldSchemeName = (value: string): string =>
  toHalfWidth(value)
    .toUpperCase()
    .replace(/\s+/g, '')
    .replace(/(认证|CERTIFICATION)$/, '');

const BY_NAME = new Map<string, Scheme>();
for (const scheme of SCHEMES) {
  for (const name of [scheme.code, scheme.zh, scheme.en, ...(SCHEME_ALIASES[scheme.code] ?? [])]) {
    BY_NAME.set(foldSchemeName(name), scheme);
  }
}

/**
 * The scheme a file names by code, Chinese or English name, short name or standard number
 * ("ISO 9001", "GB/T 19001-2016/ISO 9001:2015"), or undefined when it names none or more than one.
 */
export function findSchemeByName(value: string): Scheme | undefined {
  const folded = foldSchemeName(value);
  if (folded === '') return undefined;
  const byName = BY_NAME.get(folded);
  if (byName) return byName;
  // Standard numbers: drop the edition year (":2015", "-2016"), then every 4-5 digit number must
  // name the same scheme.
  const numbers = folded.replace(/[:\-—–](19|20)\d{2}(?!\d)/g, '').match(/\d{4,5}/g) ?? [];
  const codes = new Set(numbers.map((n) => STANDARD_NUMBERS[n]));
  if (codes.size !== 1) return undefined;
  const [code] = codes;
  return code === undefined ? undefined : findScheme(code);
}
