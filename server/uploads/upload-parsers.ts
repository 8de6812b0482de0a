/**
 * Streaming parsers of certificate uploads: file bytes in, mapped rows out, one parser per format
 * (csv-parser.ts, xlsx-parser.ts, ndjson-parser.ts; upload-columns.ts has the column table). Memory stays flat however long the file: CSV and NDJSON are read chunk by chunk
 * and no row may exceed `maxRowBytes`; XLSX is read sheet by sheet with exceljs's streaming reader
 * (see parseXlsx for what it keeps in memory). Problems with the file as a whole throw AppError (UPLOAD_EMPTY,
 * UPLOAD_MISSING_COLUMNS, UPLOAD_MALFORMED, UPLOAD_ROW_TOO_LARGE); problems with one row are that
 * row's errors, and the rows after it are still read.
 */
import type { Readable } from 'node:stream';
import { AppError } from '../platform/errors';
import { parseCsv } from './csv-parser';
import { parseNdjson } from './ndjson-parser';
import type { Settings } from './upload-table';
import type { ParsedRow, UploadFormat, UploadWarning } from './upload-schema';
import { UPLOAD_FORMATS } from './upload-schema';
import type { parseXlsx as ParseXlsx } from './xlsx-parser';

/**
 * The XLSX parser, loaded with the first XLSX file: it brings exceljs and unzipper (about 680 modules),
 * which a thread parsing a CSV or NDJSON upload would otherwise load at its start for nothing. Measured
 * (compiled JavaScript, a busy machine): the parsing thread's modules took 1.3 s of CPU, now 0.5 s.
 */
function xlsxParser(): typeof ParseXlsx {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded late on purpose (see above)
  return (require('./xlsx-parser') as { parseXlsx: typeof ParseXlsx }).parseXlsx;
}

export const DEFAULT_MAX_ROW_BYTES = 1024 * 1024;

export interface ParseUploadOptions {
  /** Longest row (CSV, XLSX) or line (NDJSON) accepted, in bytes; default 1 MiB. */
  maxRowBytes?: number;
  /** Told each file-level warning as it is found (they are also collected in `warnings`). */
  onWarning?: (warning: UploadWarning) => void;
}

/** The rows of one upload, in file order. */
export interface UploadRows extends AsyncIterable<ParsedRow> {
  /**
   * File-level warnings (ignored columns, repeated columns). For CSV and XLSX they are complete once
   * the first row has been yielded; for NDJSON (whose keys can differ per line) once iteration ends.
   */
  readonly warnings: readonly UploadWarning[];
}

/**
 * Parses an upload. Iterate the result once. The source stays the caller's: the parser never destroys
 * it, and when parsing stops early (the consumer breaks, or the file fails) it just stops reading, so
 * that the caller can still answer an HTTP request (destroying a request whose body is unread resets
 * the connection and loses the 4xx answer) and then drain it or close the connection.
 * Throws AppError for a file that cannot be read as a whole; see the module comment.
 */
export function parseUpload(
  source: Readable,
  format: UploadFormat,
  options: ParseUploadOptions = {},
): UploadRows {
  const warnings: UploadWarning[] = [];
  const settings: Settings = {
    maxRowBytes: options.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES,
    warn: (warning) => {
      warnings.push(warning);
      options.onWarning?.(warning);
    },
  };
  const rows = () => {
    switch (format) {
      case 'csv':
        return parseCsv(source, settings);
      case 'xlsx':
        return xlsxParser()(source, settings);
      case 'ndjson':
        return parseNdjson(source, settings);
      default:
        throw new AppError('UNSUPPORTED_UPLOAD_FORMAT', `Unsupported upload format ${String(format)}`);
    }
  };
  return { warnings, [Symbol.asyncIterator]: () => rows()[Symbol.asyncIterator]() };
}

const CONTENT_TYPES: Readonly<Record<string, UploadFormat>> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'text/comma-separated-values': 'csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/x-jsonlines': 'ndjson',
  'application/jsonlines': 'ndjson',
};
const EXTENSIONS: Readonly<Record<string, UploadFormat>> = {
  csv: 'csv',
  xlsx: 'xlsx',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
};

/**
 * The format of an upload from an explicit `format` value, its Content-Type or its file name (in that
 * order; a generic type such as application/octet-stream defers to the name). Throws
 * UNSUPPORTED_UPLOAD_FORMAT (415) otherwise, with a hint for legacy .xls files.
 */
export function uploadFormatOf(hints: {
  format?: string;
  contentType?: string;
  fileName?: string;
}): UploadFormat {
  const explicit = hints.format?.trim().toLowerCase();
  if (explicit) {
    if ((UPLOAD_FORMATS as readonly string[]).includes(explicit)) return explicit as UploadFormat;
    throw new AppError(
      'UNSUPPORTED_UPLOAD_FORMAT',
      `Upload format must be one of ${UPLOAD_FORMATS.join(', ')}`,
    );
  }
  const type = hints.contentType?.split(';')[0]?.trim().toLowerCase();
  const byType = type ? CONTENT_TYPES[type] : undefined;
  if (byType) return byType;
  const extension = /\.([a-z0-9]+)$/i.exec(hints.fileName ?? '')?.[1]?.toLowerCase();
  const byName = extension ? EXTENSIONS[extension] : undefined;
  if (byName) return byName;
  if (extension === 'xls' || type === 'application/vnd.ms-excel') {
    throw new AppError(
      'UNSUPPORTED_UPLOAD_FORMAT',
      'Legacy .xls workbooks are not supported: save the file as .xlsx (Excel Workbook) or CSV UTF-8',
    );
  }
  throw new AppError(
    'UNSUPPORTED_UPLOAD_FORMAT',
    `Unsupported upload format${type ? ` ${type}` : ''}: upload CSV, XLSX or NDJSON`,
  );
}
