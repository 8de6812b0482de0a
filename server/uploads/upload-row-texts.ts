/**
 * The words of upload row errors, file warnings and job summaries, in Chinese and English. A row error
 * keeps both (RowError.message is the English, messageZh the Chinese): the error report and the API
 * answer in the language the request asks for. Values quoted from the file stay as written.
 */
import { PLATFORM_ERROR_TEXT, type Lang } from '../platform/i18n';
import { AppError } from '../platform/errors';
import type { RowError, RowErrorCode, UploadJob, UploadMode, UploadProgress } from './upload-schema';
import { UPLOAD_ERROR_TEXT } from './upload-texts';

/** One text in both languages. */
export type Bilingual = Record<Lang, string>;

/** A column as a message names it: the header as the file writes it, else the template's header. */
export type ColumnName = string | Bilingual;

const nameIn = (column: ColumnName, lang: Lang) => (typeof column === 'string' ? column : column[lang]);

/** `列名：说明` / `Column: text`: a message about one cell, behind the column's name. */
export function aboutColumn(column: ColumnName, text: Bilingual): Bilingual {
  return { zh: `${nameIn(column, 'zh')}：${text.zh}`, en: `${nameIn(column, 'en')}: ${text.en}` };
}

const STATUS_ZH: Readonly<Record<string, string>> = {
  valid: '有效',
  suspended: '暂停',
  revoked: '撤销',
  withdrawn: '注销',
};
const statusZh = (status: string) => STATUS_ZH[status] ?? status;

/** What is wrong with one cell or row. */
export const ROW_TEXT = {
  excelError: (error: string): Bilingual => ({
    zh: `单元格显示 Excel 错误 ${error}（公式没有得出结果，例如 VLOOKUP 未找到）；请改正公式或直接填写值`,
    en: `the cell shows the Excel error ${error} (its formula has no result, e.g. a VLOOKUP that found nothing); fix the formula or type the value`,
  }),
  lostDigits: (value: number): Bilingual => ({
    zh: `${value} 被 Excel 存成了数字，已丢失位数；请把该列设为“文本”格式后重新填写`,
    en: `${value} was stored by Excel as a number and has lost digits; format the column as text`,
  }),
  expectedText: (): Bilingual => ({ zh: '应为文字', en: 'expected text' }),
  notADate: (value: string): Bilingual => ({
    zh: `“${value}”不是日期（可写 2024-03-05、2024/3/5、2024.3.5、2024年3月5日或 20240305，或使用 Excel 日期单元格）`,
    en: `"${value}" is not a date (write 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日 or 20240305, or use an Excel date cell)`,
  }),
  notADateRange: (value: string): Bilingual => ({
    zh: `“${value}”不是日期，也不是 2024-03-01至2024-03-03 这样的日期范围`,
    en: `"${value}" is not a date or a range like 2024-03-01至2024-03-03`,
  }),
  unknownStatus: (value: string): Bilingual => ({
    zh: `“${value}”不是证书状态（有效、暂停、撤销、注销、过期）`,
    en: `"${value}" is not a status (有效/valid, 暂停/suspended, 撤销/revoked, 注销/withdrawn, 过期/expired)`,
  }),
  unknownScheme: (value: string): Bilingual => ({
    zh: `“${value}”不是已知的认证项目`,
    en: `"${value}" is not a known certification scheme`,
  }),
  notANumber: (value: string): Bilingual => ({ zh: `“${value}”不是数字`, en: `"${value}" is not a number` }),
  notAWholeNumber: (value: string): Bilingual => ({
    zh: `“${value}”不是整数`,
    en: `"${value}" is not a whole number`,
  }),
  auditorWithoutNumber: (part: string): Bilingual => ({
    zh: `“${part}”缺少注册号；每位审核员写作 张伟(2025-N1QMS-1234567)，多人用 ; 分隔`,
    en: `"${part}" has no registration number; write each auditor as 张伟(2025-N1QMS-1234567), separated by ;`,
  }),
  empty: (): Bilingual => ({ zh: '必填，但为空', en: 'is required but empty' }),
  emptyWithAudit: (): Bilingual => ({
    zh: '该行填写了审核信息，此项也必须填写',
    en: 'is empty, but the row names an audit',
  }),
  requiredForStatus: (status: string): Bilingual => ({
    zh: `证书状态为“${statusZh(status)}”时必须填写`,
    en: `is required when the status is ${status}`,
  }),
  widerThanHeader: (width: number): Bilingual => ({
    zh: `该行的单元格多于表头（${width} 列）：含逗号的值须用英文双引号括起`,
    en: `the row has more cells than the header (${width}): a value with a comma must be in double quotes`,
  }),
  notJson: (detail: string): Bilingual => ({
    zh: `不是有效的 JSON（${detail}）`,
    en: `not valid JSON: ${detail}`,
  }),
  notJsonObject: (): Bilingual => ({
    zh: '每行须为一个 JSON 对象',
    en: 'each line must be one JSON object',
  }),
  unreadable: (): Bilingual => ({ zh: '该行无法读取', en: 'the row could not be read' }),
  otherBody: (named: string, own: string, ownName: string): Bilingual => ({
    zh: `该行是认证机构“${named}”的证书；本令牌只能上报 ${own}（${ownName}）的证书`,
    en: `the row is a certificate of body "${named}"; this token reports for ${own} (${ownName}) only`,
  }),
  invalidCreditCode: (): Bilingual => ({
    zh: '不是有效的统一社会信用代码（18 位，校验位须正确）',
    en: 'not a valid unified social credit code (18 characters with a valid check character)',
  }),
  invalidNumber: (): Bilingual => ({
    zh: '证书编号只能由字母、数字和 - / ( ) . # _ 组成，且以字母或数字开头',
    en: 'a certificate number is letters, digits and - / ( ) . # _, starting with a letter or digit',
  }),
  expiryBeforeIssue: (): Bilingual => ({
    zh: '到期日期须晚于颁证日期',
    en: 'the expiry date must be after the issue date',
  }),
  tooLong: (max: number): Bilingual => ({
    zh: `内容过长（最多 ${max} 个字符）`,
    en: `too long (at most ${max} characters)`,
  }),
  tooMany: (max: number): Bilingual => ({ zh: `最多 ${max} 项`, en: `at most ${max} entries` }),
  forbiddenCharacters: (): Bilingual => ({
    zh: '含有控制字符或不可见字符',
    en: 'must not contain control or invisible characters',
  }),
  notPositive: (): Bilingual => ({ zh: '须大于 0', en: 'must be more than 0' }),
  auditType: (): Bilingual => ({
    zh: '审核类型须为初次认证、监督或再认证',
    en: 'audit type: initial (初次认证), surveillance (监督) or recertification (再认证)',
  }),
  invalidValue: (detail: string): Bilingual => ({ zh: '取值无效', en: detail }),
  schemeOutOfScope: (scheme: string, body: string, approved: readonly string[]): Bilingual => ({
    zh: `认证项目 ${scheme} 超出 ${body} 的批准范围（${approved.join('、') || '无'}）`,
    en: `scheme ${scheme} is outside the approved scope of ${body} (${approved.join(', ') || 'none'})`,
  }),
  industryCodesOutOfScope: (codes: readonly string[], body: string): Bilingual => ({
    zh: `行业代码 ${codes.join('、')} 超出 ${body} 的批准范围`,
    en: `industry codes ${codes.join(', ')} are outside the approved scope of ${body}`,
  }),
  approvalNotInForce: (issueDate: string, body: string, status: string, since?: string): Bilingual => ({
    zh: `颁证日期 ${issueDate} 时，${body} 的认证机构批准已${status === 'suspended' ? '暂停' : '撤销'}${since ? `（自 ${since} 起）` : ''}`,
    en: `issued on ${issueDate}, while the approval of ${body} was ${status}${since ? ` (since ${since})` : ''}`,
  }),
  duplicateNumber: (number: string, firstRow: number): Bilingual => ({
    zh: `证书编号 ${number} 已出现在本文件第 ${firstRow} 行`,
    en: `certificate number ${number} is already on row ${firstRow} of this file`,
  }),
  illegalTransition: (number: string, stored: string, reported: string): Bilingual => ({
    zh: `证书 ${number} 在登记库中为“${statusZh(stored)}”，不能改为“${statusZh(reported)}”（撤销和注销为最终状态）`,
    en: `certificate ${number} is ${stored} in the registry and cannot become ${reported} (revoked and withdrawn are final)`,
  }),
  statusDateBeforeIssue: (date: string, issueDate: string): Bilingual => ({
    zh: `状态变更日期 ${date} 早于颁证日期 ${issueDate}`,
    en: `the status date ${date} is before the issue date ${issueDate}`,
  }),
  statusDateBeforeLastChange: (date: string, last: string): Bilingual => ({
    zh: `状态变更日期 ${date} 早于该证书上一次状态变更的日期 ${last}`,
    en: `the status date ${date} is before the certificate's last status change, on ${last}`,
  }),
};

/** A row error with its message in both languages. */
export function rowError(
  row: number,
  field: string,
  code: RowErrorCode,
  text: Bilingual,
  extra: { header?: string; number?: string } = {},
): RowError {
  const error: RowError = { row, field, code, message: text.en, messageZh: text.zh };
  if (extra.header !== undefined) error.header = extra.header;
  if (extra.number !== undefined) error.number = extra.number;
  return error;
}

/** A row error's message in `lang` (reports kept before Chinese was stored have English only). */
export const messageIn = (error: Pick<RowError, 'message' | 'messageZh'>, lang: Lang): string =>
  lang === 'zh' ? (error.messageZh ?? error.message) : error.message;

type Warning = UploadJob['warnings'][number];

/** The file-level notices of a job. */
export const WARNING_TEXT = {
  UPLOAD_UNKNOWN_COLUMNS: (w: Pick<Warning, 'columns'>): Bilingual => ({
    zh: `以下列不属于证书上报，已忽略：${(w.columns ?? []).join('、')}`,
    en: `Columns ignored (not part of a certificate report): ${(w.columns ?? []).join(', ')}`,
  }),
  UPLOAD_DUPLICATE_COLUMNS: (w: Pick<Warning, 'columns'>): Bilingual => ({
    zh: `以下列与前面的列重复，已忽略：${(w.columns ?? []).join('、')}`,
    en: `Columns ignored (they repeat a column given before them): ${(w.columns ?? []).join(', ')}`,
  }),
  UPLOAD_TOTAL_ROW_SKIPPED: (w: Pick<Warning, 'rows'>): Bilingual => ({
    zh: `第 ${(w.rows ?? []).join('、')} 行是合计行，已跳过，不作为证书读取。`,
    en: `Row ${(w.rows ?? []).join(', ')} is a total row (合计, Total) and was skipped, not read as a certificate.`,
  }),
  UPLOAD_ERRORS_CAPPED: (limit?: number): Bilingual => ({
    zh: `错误报告只保留前 ${limit ?? '若干'} 条行错误，还有更多；请改正这些错误后重新上传，以查看其余错误。`,
    en: `The error report keeps the first ${limit ?? 'many'} row errors; there are more. Fix these and upload again to see the rest.`,
  }),
};

function warningText(w: Warning, maxStoredErrors: number | undefined): Bilingual | undefined {
  switch (w.code) {
    case 'UPLOAD_UNKNOWN_COLUMNS':
    case 'UPLOAD_DUPLICATE_COLUMNS':
    case 'UPLOAD_TOTAL_ROW_SKIPPED':
      return WARNING_TEXT[w.code](w);
    case 'UPLOAD_ERRORS_CAPPED':
      return WARNING_TEXT.UPLOAD_ERRORS_CAPPED(maxStoredErrors);
    default:
      return undefined;
  }
}

/** Why a job stopped, by its failure code: a job's own codes, and the API errors an upload fails with. */
const FAILURE_TEXT: Readonly<Record<string, Bilingual>> = {
  ...UPLOAD_ERROR_TEXT,
  PAYLOAD_TOO_LARGE: PLATFORM_ERROR_TEXT.PAYLOAD_TOO_LARGE,
  STORE_UNAVAILABLE: PLATFORM_ERROR_TEXT.STORE_UNAVAILABLE,
  INTERNAL_ERROR: PLATFORM_ERROR_TEXT.INTERNAL_ERROR,
  UPLOAD_ABORTED: {
    zh: '上传尚未结束，客户端就断开了连接。此前已保存的行予以保留；请重新上传同一文件以完成上报。',
    en: 'The client closed the connection before the end of the file. Rows stored before that are kept; upload the same file again to complete it.',
  },
  UPLOAD_INTERRUPTED: {
    zh: '本次上传结束前服务器停止了运行。此前已保存的行予以保留；请重新上传同一文件以完成上报（未变化的行会跳过）。',
    en: 'The server stopped before this upload finished. Rows stored before that are kept; upload the same file again to complete it (unchanged rows are skipped).',
  },
};

const failureText = (code: string): Bilingual | undefined =>
  Object.hasOwn(FAILURE_TEXT, code) ? FAILURE_TEXT[code] : undefined;

/** The one-line outcome of a finished job (succeeded or rejected). */
export function summaryText(state: 'succeeded' | 'rejected', p: UploadProgress, mode: UploadMode): Bilingual {
  if (state === 'rejected') {
    return {
      zh: `未保存任何数据：${p.rowsRead} 行中有 ${p.rejected} 行有错误，整体模式下要么全部保存，要么都不保存。请按错误报告改正后重新上传。`,
      en: `Nothing stored: ${p.rejected} of ${p.rowsRead} rows have errors, and an atomic upload stores all rows or none. Fix the rows in the error report and upload the file again.`,
    };
  }
  if (p.created === 0 && p.updated === 0 && p.rejected === 0) {
    return {
      zh: `没有变化：全部 ${p.rowsRead} 行与登记库中的记录一致。`,
      en: `No changes: all ${p.rowsRead} rows are already in the registry exactly so.`,
    };
  }
  const zh = `读取 ${p.rowsRead} 行：新增 ${p.created}，更新 ${p.updated}，未变 ${p.unchanged}`;
  const en = `${p.rowsRead} rows read: ${p.created} created, ${p.updated} updated, ${p.unchanged} unchanged`;
  if (p.rejected === 0) return { zh: `${zh}。`, en: `${en}.` };
  return {
    zh: `${zh}，拒绝 ${p.rejected}（见错误报告）${mode === 'partial' ? '；其他行已保存' : ''}。`,
    en: `${en}, ${p.rejected} rejected (see the error report)${mode === 'partial' ? '; the other rows are stored' : ''}.`,
  };
}

/**
 * A job as a person reading `lang` sees it: its summary, notices and failure in that language. What is
 * stored stays as it is (English); codes, counts and columns are the same in both.
 */
export function jobIn(job: UploadJob, lang: Lang, maxStoredErrors?: number): UploadJob {
  const summary =
    job.summary !== undefined && (job.state === 'succeeded' || job.state === 'rejected')
      ? summaryText(job.state, job.progress, job.mode)[lang]
      : job.summary;
  const warnings = job.warnings.map((w) => {
    const text = warningText(w, maxStoredErrors);
    return text ? { ...w, message: text[lang] } : w;
  });
  const known = job.failure && failureText(job.failure.code);
  // The stored English message has the particulars (a line number, a limit); Chinese has the general text.
  const failure = job.failure && known && lang === 'zh' ? { ...job.failure, message: known.zh } : job.failure;
  return { ...job, summary, warnings, ...(failure ? { failure } : {}) };
}

/**
 * A failed upload's error as a reader of `lang` gets it: in Chinese, the code's text (with the missing
 * columns, when that is the trouble) instead of the English particulars; the job in `details` likewise.
 * English keeps the particulars (a line number, a limit) as they are.
 */
export function uploadErrorIn(error: AppError, lang: Lang): AppError {
  const job = error.details?.job as UploadJob | undefined;
  const details = job ? { ...error.details, job: jobIn(job, lang) } : error.details;
  // UPLOAD_REJECTED already carries the job's summary in the reader's language.
  const known = error.code === 'UPLOAD_REJECTED' ? undefined : failureText(error.code);
  if (lang === 'en' || !known)
    return job ? new AppError(error.code, error.message, { cause: error, details, lang: error.lang }) : error;
  const missing = Array.isArray(error.details?.missing) ? (error.details.missing as string[]) : [];
  const message = missing.length > 0 ? `${known.zh}缺少：${missing.join('；')}。` : known.zh;
  return new AppError(error.code, message, { cause: error, details, lang: 'zh' });
}
