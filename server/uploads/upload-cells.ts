/**
 * Cell values of upload rows as field values: Excel dates and serials, date ranges, status words,
 * man-days and head counts, lists, and auditor lists with their roles.
 */
import { toHalfWidth } from '../platform/normalize';

/** A cell as the format readers hand it over (XLSX rich text, formulas and links already flattened). */
export type CellValue = string | number | boolean | Date | null | undefined;

/** The error values an Excel cell (or a formula's result) can show. */
export const EXCEL_ERROR =
  /^#(N\/A|VALUE!|REF!|DIV\/0!|NUM!|NAME\?|NULL!|SPILL!|CALC!|GETTING_DATA|FIELD!|BLOCKED!|CONNECT!|BUSY!|UNKNOWN!|EXTERNAL!)$/;
const MAX_SERIAL = 2958465; // 9999-12-31, the last day Excel can show
const DAY_MS = 86_400_000;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** YYYY-MM-DD for a real calendar day (no 2024-02-30), else undefined. */
function isoOf(year: number, month: number, day: number): string | undefined {
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1) return undefined;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (day > (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number))) return undefined;
  return `${year}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** A Date as the calendar day Excel showed (cells are read as UTC; a millisecond drift is rounded away). */
export function isoDateOfDate(date: Date): string | undefined {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) return undefined;
  const rounded = new Date(Math.round(ms / 1000) * 1000);
  return isoOf(rounded.getUTCFullYear(), rounded.getUTCMonth() + 1, rounded.getUTCDate());
}

/**
 * An Excel serial day number as YYYY-MM-DD. The 1900 system counts 1900-01-01 as 1 and, copying a
 * Lotus 1-2-3 bug, has a 1900-02-29 (serial 60) that never existed: that one is not a date, and from
 * 61 on serials are one more than the real day count from 1899-12-31. A fraction is a time of day.
 * The 1904 system (old Mac workbooks) counts 1904-01-01 as 0.
 */
export function excelSerialToIsoDate(serial: number, date1904 = false): string | undefined {
  if (!Number.isFinite(serial)) return undefined;
  const days = Math.floor(serial);
  if (date1904) {
    if (days < 0 || days > MAX_SERIAL - 1462) return undefined;
    return isoDateOfDate(new Date(Date.UTC(1904, 0, 1) + days * DAY_MS));
  }
  if (days < 1 || days > MAX_SERIAL || days === 60) return undefined;
  const base = days < 60 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30);
  return isoDateOfDate(new Date(base + days * DAY_MS));
}

const DATE_FORMS = [
  // 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, optionally with a time of day after it
  /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$/,
  // 20240305
  /^(\d{4})(\d{2})(\d{2})$/,
];

/** A date in any form Excel produces, as YYYY-MM-DD; undefined when it is none. */
export function parseDateValue(value: CellValue, date1904 = false): string | undefined {
  if (value instanceof Date) return isoDateOfDate(value);
  if (typeof value === 'number') {
    // 20240301 typed into a General cell: Excel keeps the digits as a number, far past any serial.
    if (Number.isInteger(value) && value > MAX_SERIAL) {
      return isoOf(Math.floor(value / 10000), Math.floor(value / 100) % 100, value % 100);
    }
    return excelSerialToIsoDate(value, date1904);
  }
  if (typeof value !== 'string') return undefined;
  const text = toHalfWidth(value).trim();
  for (const form of DATE_FORMS) {
    const m = form.exec(text);
    if (m) return isoOf(Number(m[1]), Number(m[2]), Number(m[3]));
  }
  // A serial number that reached us as text (a CSV saved from a sheet whose date column was unformatted).
  if (/^\d{1,7}(\.\d+)?$/.test(text)) return excelSerialToIsoDate(Number(text), date1904);
  return undefined;
}

/** "2024-03-01至2024-03-03", "2024/3/1~2024/3/3", "2024-03-01 - 2024-03-03", or one day. */
export function parseDateRange(value: CellValue, date1904 = false): [string, string] | undefined {
  const single = parseDateValue(value, date1904);
  if (single) return [single, single];
  if (typeof value !== 'string') return undefined;
  const parts = toHalfWidth(value)
    .split(/\s*(?:至|到|~|～|—|–|\s-\s|--|\bto\b)\s*/i)
    .filter((p) => p.trim() !== '');
  if (parts.length !== 2) return undefined;
  const [start, end] = parts.map((p) => parseDateValue(p, date1904));
  return start && end ? [start, end] : undefined;
}

const STATUS_WORDS: Readonly<Record<string, string>> = {
  有效: 'valid',
  正常: 'valid',
  保持: 'valid',
  valid: 'valid',
  active: 'valid',
  effective: 'valid',
  inforce: 'valid',
  暂停: 'suspended',
  暂停使用: 'suspended',
  suspended: 'suspended',
  suspend: 'suspended',
  suspension: 'suspended',
  撤销: 'revoked',
  撤消: 'revoked',
  revoked: 'revoked',
  revoke: 'revoked',
  revocation: 'revoked',
  注销: 'withdrawn',
  withdrawn: 'withdrawn',
  withdraw: 'withdrawn',
  withdrawal: 'withdrawn',
  cancelled: 'withdrawn',
  canceled: 'withdrawn',
  // Expiry is derived from the expiry date, never stored: a row saying 过期 is a valid certificate
  // whose date has passed, and the registry shows it expired by that date.
  过期: 'valid',
  已过期: 'valid',
  expired: 'valid',
};

/** A status word (Chinese or English, any case) as a stored status; undefined when unknown. */
export function parseStatusValue(value: string): string | undefined {
  return STATUS_WORDS[toHalfWidth(value).trim().toLowerCase().replace(/\s+/g, '')];
}

/** Audit man-days: a positive number, optionally with its unit (6, "6.5", "6天", "6 man-days"). */
export function parseManDays(value: CellValue): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(?:人日|人天|天|日|man-?days?|days?|md)?$/i.exec(toHalfWidth(value).trim());
  return m ? Number(m[1]) : undefined;
}

/** A head count: a whole number, optionally with its unit (120, "120人", "120 employees"). */
export function parseCount(value: CellValue): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+)\s*(?:人|名|employees?|persons?|people)?$/i.exec(toHalfWidth(value).trim());
  return m ? Number(m[1]) : undefined;
}

/** Product models or industry codes: one cell, split on ; , 、 or new lines (either width). */
export function splitList(value: string): string[] {
  return toHalfWidth(value)
    .split(/[;,、\n\r]+/)
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

const ROLE_WORDS: Readonly<Record<string, 'leader' | 'member' | 'expert'>> = {
  组长: 'leader',
  审核组长: 'leader',
  leader: 'leader',
  teamleader: 'leader',
  lead: 'leader',
  组员: 'member',
  审核员: 'member',
  member: 'member',
  auditor: 'member',
  专家: 'expert',
  技术专家: 'expert',
  expert: 'expert',
  technicalexpert: 'expert',
};

const roleOf = (word: string) => ROLE_WORDS[word.toLowerCase().replace(/\s+/g, '')];

const OPENING = new Set(['(', '[']);
const CLOSING = new Set([')', ']']);

/** Splits on separators that are outside brackets, so that "张伟(2025-N1QMS-1, 组长)" stays whole. */
function splitOutsideBrackets(text: string, separators: ReadonlySet<string>): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string;
    if (OPENING.has(ch)) depth += 1;
    else if (CLOSING.has(ch) && depth > 0) depth -= 1;
    else if (depth === 0 && separators.has(ch)) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const AUDITOR_SEPARATORS = new Set([';', ',', '、', '\n', '\r']);

export interface ParsedAuditor {
  name: string;
  registrationNumber: string;
  role?: 'leader' | 'member' | 'expert';
}

/**
 * The audit team cell: `张伟(2025-N1QMS-1234567);李娜(2024-N1EMS-7654321)`, separated by ; , 、 or
 * new lines, either bracket width; a role may stand in the brackets (`张伟(组长,2025-N1QMS-1234567)`)
 * or before the name (`组长:张伟(…)`). Returns the auditors, or the text of the first one without a
 * registration number.
 */
export function parseAuditors(value: string): { auditors: ParsedAuditor[] } | { invalid: string } {
  const auditors: ParsedAuditor[] = [];
  const text = toHalfWidth(value).replace(/【/g, '[').replace(/】/g, ']');
  for (const part of splitOutsideBrackets(text, AUDITOR_SEPARATORS)) {
    let rest = part;
    let role: ParsedAuditor['role'];
    const prefix = /^([^:()]+?)\s*:\s*(.+)$/.exec(rest);
    if (prefix && roleOf(prefix[1] as string)) {
      role = roleOf(prefix[1] as string);
      rest = prefix[2] as string;
    }
    let name: string | undefined;
    let registrationNumber: string | undefined;
    const bracketed = /^(.+?)\s*[([]([^)\]]*)[)\]]\s*$/.exec(rest);
    if (bracketed) {
      name = (bracketed[1] as string).trim();
      const numbers: string[] = [];
      for (const token of (bracketed[2] as string).split(/[\s,;/、]+/).filter((t) => t !== '')) {
        const tokenRole = roleOf(token);
        if (tokenRole) role = tokenRole;
        else numbers.push(token);
      }
      if (numbers.length === 1) registrationNumber = numbers[0];
    } else {
      // "张伟 2025-N1QMS-1234567" or "张伟:2025-N1QMS-1234567"
      const spaced = /^(\S+?)\s*[\s:]\s*(\S*\d\S*)$/.exec(rest);
      if (spaced) {
        name = spaced[1];
        registrationNumber = spaced[2];
      }
    }
    if (!name || !registrationNumber) return { invalid: part };
    auditors.push(role ? { name, registrationNumber, role } : { name, registrationNumber });
  }
  return { auditors };
}
