/** Texts of bulk uploads, in Chinese and English. */
import type { ErrorTexts } from '../platform/i18n';

/** Errors of bulk uploads and their jobs. */
export const UPLOAD_ERROR_TEXT = {
  UPLOAD_EMPTY: {
    zh: '上传的文件是空的，或只有表头没有数据行。',
    en: 'The uploaded file is empty, or has a header row but no data rows.',
  },
  UPLOAD_MISSING_COLUMNS: {
    zh: '文件缺少必填列，或找不到表头行。请使用证书上报模板中的列名。',
    en: 'The file lacks required columns, or has no header row. Use the column names of the upload template.',
  },
  INVALID_UPLOAD_JOB_ID: {
    zh: '上传任务编号格式不正确（22 位字母、数字、- 或 _）。',
    en: 'The upload job id is malformed (22 letters, digits, - or _).',
  },
  UPLOAD_JOB_NOT_FOUND: {
    zh: '没有这个上传任务。',
    en: 'No such upload job.',
  },
  UPLOAD_JOB_EXISTS: {
    zh: '该上传任务编号已被使用，请换一个新的编号。',
    en: 'This upload job id is already taken; propose a new one.',
  },
  UPLOAD_JOB_RUNNING: {
    zh: '该上传任务仍在进行中，完成后才能下载二维码。',
    en: 'This upload job is still running; its QR codes can be downloaded once it has finished.',
  },
  UPLOAD_REJECTED: {
    zh: '文件中有错误行，整批上报未保存（整体模式）。请下载错误报告，改正后重新上传。',
    en: 'The file has rows with errors, so nothing was stored (atomic mode). Download the error report, fix the rows and upload again.',
  },
  UPLOAD_MALFORMED: {
    zh: '文件格式有误，无法读取（例如引号未闭合、含二进制内容，或不是 XLSX 文件）。',
    en: 'The file is malformed and cannot be read (e.g. an unclosed quote, binary content, or not an XLSX file).',
  },
  UPLOAD_ROW_TOO_LARGE: {
    zh: '文件中有一行数据过大。',
    en: 'A row of the file is too large.',
  },
  UNSUPPORTED_UPLOAD_FORMAT: {
    zh: '不支持的上传格式。请上传 CSV、XLSX 或 NDJSON 文件。',
    en: 'Unsupported upload format. Upload a CSV, XLSX or NDJSON file.',
  },
} satisfies ErrorTexts<
  | 'UPLOAD_EMPTY'
  | 'UPLOAD_MISSING_COLUMNS'
  | 'INVALID_UPLOAD_JOB_ID'
  | 'UPLOAD_JOB_NOT_FOUND'
  | 'UPLOAD_JOB_EXISTS'
  | 'UPLOAD_JOB_RUNNING'
  | 'UPLOAD_REJECTED'
  | 'UPLOAD_MALFORMED'
  | 'UPLOAD_ROW_TOO_LARGE'
  | 'UNSUPPORTED_UPLOAD_FORMAT'
>;
