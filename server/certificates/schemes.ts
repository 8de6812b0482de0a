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
