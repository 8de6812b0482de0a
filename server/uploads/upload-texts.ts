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
  UPLOAD_BODY_BUSY: {
    zh: '本机构同时进行的大文件上传已达上限。请等正在进行的上传完成（可查询其任务进度）后，再上传此文件。',
    en: 'This body already runs as many large uploads at once as it may. Wait for one to finish (poll its job), then send this file again.',
  },
  UPLOADS_BUSY: {
    zh: '服务器同时处理的上传已达上限，请稍后再上传此文件。',
    en: 'The server is storing as many uploads at once as it can; send this file again in a little while.',
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
  | 'UPLOAD_BODY_BUSY'
  | 'UPLOADS_BUSY'
  | 'UNSUPPORTED_UPLOAD_FORMAT'
>;
