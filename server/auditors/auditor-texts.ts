/** Texts of the auditor register and the auditors' public pages, in Chinese and English. */
import type { ErrorTexts, Lang } from '../platform/i18n';
import type { AuditorRowErrorCode } from './auditor-schema';

/** Errors of the auditor register. */
export const AUDITOR_ERROR_TEXT = {
  AUDITOR_REGISTER_MISSING_COLUMNS: {
    zh: '文件中找不到审核员注册名录的表头，或缺少必填列（注册号、姓名、注册领域、有效期）。',
    en: 'The file has no header of the auditor register, or lacks a required column (registration number, name, schemes, validity).',
  },
  INVALID_REGISTRATION_NUMBER: {
    zh: '注册号格式不正确（4 至 64 位字母、数字或 -，例如 2025-N1QMS-1234567）。',
    en: 'The registration number is malformed (4 to 64 letters, digits or -, e.g. 2025-N1QMS-1234567).',
  },
  AUDITOR_NOT_FOUND: {
    zh: '审核员注册名录中没有这个注册号。',
    en: 'No registration of the auditor register has this number.',
  },
} satisfies ErrorTexts<
  'AUDITOR_REGISTER_MISSING_COLUMNS' | 'INVALID_REGISTRATION_NUMBER' | 'AUDITOR_NOT_FOUND'
>;

const FIELD_NAMES: Record<string, { zh: string; en: string }> = {
  registrationNumber: { zh: '注册号', en: 'registration number' },
  name: { zh: '姓名', en: 'name' },
  schemes: { zh: '注册领域', en: 'schemes' },
  level: { zh: '注册级别', en: 'level' },
  validFrom: { zh: '有效期起', en: 'valid from' },
  validTo: { zh: '有效期至', en: 'valid to' },
  validity: { zh: '有效期', en: 'validity' },
};

/** A row error of an import in both languages. */
export function rowErrorText(
  code: AuditorRowErrorCode,
  field: string,
  value?: string,
): { zh: string; en: string } {
  const f = FIELD_NAMES[field] ?? { zh: field, en: field };
  const v = value ?? '';
  switch (code) {
    case 'AUDITOR_ROW_MISSING_FIELD':
      return { zh: `${f.zh}为空。`, en: `The ${f.en} is empty.` };
    case 'AUDITOR_ROW_INVALID_NUMBER':
      return {
        zh: `注册号“${v}”格式不正确（字母、数字或 -，例如 2025-N1QMS-1234567）。`,
        en: `The registration number "${v}" is malformed (letters, digits or -, e.g. 2025-N1QMS-1234567).`,
      };
    case 'AUDITOR_ROW_UNKNOWN_SCHEME':
      return {
        zh: `注册领域“${v}”不是已知的认证领域（例如 QMS、EMS、OHSMS 或其中文名称）。`,
        en: `"${v}" is not a known scheme (e.g. QMS, EMS, OHSMS, or their Chinese names).`,
      };
    case 'AUDITOR_ROW_INVALID_DATE':
      return {
        zh: `${f.zh}“${v}”不是日期（例如 2026-03-31，或 2023-04-01 至 2026-03-31）。`,
        en: `The ${f.en} "${v}" is not a date (e.g. 2026-03-31, or 2023-04-01 to 2026-03-31).`,
      };
    case 'AUDITOR_ROW_VALIDITY_REVERSED':
      return {
        zh: `有效期至早于有效期起（${v}）。`,
        en: `The registration ends before it starts (${v}).`,
      };
    case 'AUDITOR_ROW_DUPLICATE':
      return {
        zh: `注册号在本文件中已出现在第 ${v} 行，本行未导入。`,
        en: `The registration number already appears on row ${v} of this file; this row was not imported.`,
      };
    case 'AUDITOR_ROW_INVALID_TEXT':
      return {
        zh: `${f.zh}过长或含有控制字符、不可见字符。`,
        en: `The ${f.en} is too long or contains control or invisible characters.`,
      };
  }
}

/** The texts of an auditor's public page (auditor-page.ts). */
export interface AuditorPageTexts {
  title: (name: string) => string;
  lead: string;
  registration: string;
  registrationNumber: string;
  name: string;
  schemes: string;
  level: string;
  validity: string;
  validityRange: (from: string, to: string) => string;
  state: { valid: string; expired: string; notYetValid: string };
  audits: string;
  auditsLead: string;
  auditsCaption: string;
  body: string;
  year: string;
  auditCount: string;
  noAudits: string;
  totalAudits: (n: number) => string;
  records: string;
  noRecords: string;
  recordStart: string;
  recordBasis: string;
  recordFacts: string;
  recordBody: string;
  source: string;
  notFoundTitle: string;
  notFoundLead: string;
}

export const AUDITOR_PAGE_TEXTS: Record<Lang, AuditorPageTexts> = {
  zh: {
    title: (name) => `审核员诚信档案：${name}`,
    lead: '本页公开审核员注册名录所载信息、各认证机构上报的由其参与的审核数量，以及列明其本人的失信记录。',
    registration: '注册信息',
    registrationNumber: '注册号',
    name: '姓名',
    schemes: '注册领域',
    level: '注册级别',
    validity: '有效期',
    validityRange: (from, to) => `${from} 至 ${to}`,
    state: { valid: '注册有效', expired: '注册已过期', notYetValid: '注册尚未生效' },
    audits: '上报的审核',
    auditsLead: '各认证机构上报的、审核组中有该注册号的审核数量，按审核结束年份统计。',
    auditsCaption: '按年份和认证机构统计的审核数',
    body: '认证机构',
    year: '年份',
    auditCount: '审核数',
    noAudits: '尚无认证机构上报由其参与的审核。',
    totalAudits: (n) => `共 ${n} 次审核。`,
    records: '失信记录',
    noRecords: '无列明本人的失信记录。',
    recordStart: '列入日期',
    recordBasis: '依据',
    recordFacts: '事实',
    recordBody: '所在认证机构',
    source: '注册信息来源：审核员注册名录（由管理员导入）。',
    notFoundTitle: '未找到该审核员',
    notFoundLead: '审核员注册名录中没有这个注册号。请核对注册号（例如 2025-N1QMS-1234567）。',
  },
  en: {
    title: (name) => `Auditor integrity file: ${name}`,
    lead: 'What the auditor register publishes about this auditor, how many audits certifying bodies reported with them, and any dishonesty record naming them.',
    registration: 'Registration',
    registrationNumber: 'Registration number',
    name: 'Name',
    schemes: 'Qualified schemes',
    level: 'Level',
    validity: 'Valid',
    validityRange: (from, to) => `${from} to ${to}`,
    state: {
      valid: 'Registration valid',
      expired: 'Registration expired',
      notYetValid: 'Registration not yet valid',
    },
    audits: 'Reported audits',
    auditsLead:
      'Audits whose team, as certifying bodies reported it, includes this registration number, by the year the audit ended.',
    auditsCaption: 'Audits by year and certifying body',
    body: 'Certifying body',
    year: 'Year',
    auditCount: 'Audits',
    noAudits: 'No certifying body has reported an audit with this auditor yet.',
    totalAudits: (n) => `${n} audit(s) in all.`,
    records: 'Dishonesty records',
    noRecords: 'No dishonesty record names this auditor.',
    recordStart: 'Listed on',
    recordBasis: 'Basis',
    recordFacts: 'Facts',
    recordBody: 'Body',
    source: 'Registration data: the auditor register (imported by administrators).',
    notFoundTitle: 'Auditor not found',
    notFoundLead:
      'No registration of the auditor register has this number. Check the number (e.g. 2025-N1QMS-1234567).',
  },
};
