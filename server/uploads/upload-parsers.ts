/**
 * Streaming parsers of certificate uploads: file bytes in, mapped rows out (see upload-columns.ts for
 * the column table). Memory stays flat however long the file: CSV and NDJSON are read chunk by chunk
 * and no row may exceed `maxRowBytes`; XLSX is read sheet by sheet with exceljs's streaming reader
 * (see parseXlsx for what it keeps in memory). Problems with the file as a whole throw AppError (UPLOAD_EMPTY,
 * UPLOAD_MISSING_COLUMNS, UPLOAD_MALFORMED, UPLOAD_ROW_TOO_LARGE); problems with one row are that
 * row's errors, and the rows after it are still read.
 */
import { isUtf8 } from 'node:buffer';
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { AppError, isAppError } from '../platform/errors';
import {
  isBlankRow,
  mapHeader,
  mapRow,
  matchColumn,
  type CellValue,
  type HeaderMapping,
  type RowContext,
  type RowEntry,
} from './upload-columns';
import type { ParsedRow, UploadFormat, UploadWarning } from './upload-schema';
import { UPLOAD_FORMATS } from './upload-schema';
import { openXlsx, type XlsxSheet, type XlsxWorkbook } from './xlsx-reader';

export const DEFAULT_MAX_ROW_BYTES = 1024 * 1024;
/** Rows above the header that a sheet may have (a title, a reporting period, a note). */
export const MAX_TITLE_ROWS = 10;

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
        return parseXlsx(source, settings);
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

// ---------------------------------------------------------------------------------------------------
// Shared pieces

interface Settings {
  maxRowBytes: number;
  warn: (warning: UploadWarning) => void;
}

const mib = (bytes: number) => `${Math.round((bytes / 1048576) * 100) / 100} MiB`;

function tooLarge(where: string, settings: Settings): AppError {
  return new AppError(
    'UPLOAD_ROW_TOO_LARGE',
    `${where} is longer than the ${mib(settings.maxRowBytes)} a row may have`,
    {
      details: { maxRowBytes: settings.maxRowBytes },
    },
  );
}

function malformed(message: string, details?: Record<string, unknown>): AppError {
  return new AppError('UPLOAD_MALFORMED', message, details ? { details } : {});
}

const EMPTY_FILE = () => new AppError('UPLOAD_EMPTY', 'The file is empty');
const NO_DATA_ROWS = () => new AppError('UPLOAD_EMPTY', 'The file has a header row but no data rows');

/** Length of the prefix of `bytes` that ends on a UTF-8 character boundary (a cut sequence is held back). */
function completeUtf8Length(bytes: Buffer): number {
  const end = bytes.length;
  for (let back = 1; back <= Math.min(3, end); back += 1) {
    const b = bytes[end - back] as number;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back for its lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? end - back : end;
  }
  return end;
}

interface TextOptions {
  /** Detect GB18030/GBK (CSV from Excel on Chinese Windows); else the text must be UTF-8 (NDJSON). */
  detectGb18030: boolean;
  settings: Settings;
}

/** Non-ASCII bytes to look at before deciding between UTF-8 and GB18030. */
const PROBE_BYTES = 4096;

/**
 * The file's text, chunk by chunk. Strips a UTF-8 BOM; without one, reads on until it has seen
 * PROBE_BYTES of non-ASCII text (or the end) and decides: valid UTF-8 stays UTF-8, anything else is
 * decoded as GB18030 (a superset of GBK and GB2312). A multi-byte character cut by a chunk boundary is
 * held back, never judged half. Binary content (control bytes), text that does not decode, and a
 * physical line longer than maxRowBytes (checked on the raw bytes, so a 20 MB line is never held)
 * stop the file with the line number.
 */
async function* decodedText(source: Readable, options: TextOptions): AsyncGenerator<string> {
  const { maxRowBytes } = options.settings;
  // In an object so that TypeScript does not narrow it across the helpers that change it.
  const state: { mode: 'start' | 'probe' | 'utf8' | 'gb18030' } = { mode: 'start' };
  let held: Buffer = Buffer.alloc(0); // start: the BOM window; probe: bytes since the first non-ASCII one
  let line = 1; // line number at the current position
  let lineBytes = 0; // bytes since the last LF
  let total = 0;
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const gb = iconv.getDecoder('gb18030');

  const scan = (chunk: Buffer) => {
    for (let i = 0; i < chunk.length; i += 1) {
      const b = chunk[i] as number;
      if (b === 0x0a) {
        line += 1;
        lineBytes = 0;
        continue;
      }
      lineBytes += 1;
      if (b < 0x20 || b === 0x7f) {
        if (b !== 0x09 && b !== 0x0d) {
          throw malformed(
            `The file has binary content (byte 0x${b.toString(16).padStart(2, '0')}) at line ${line}: it is not a text file`,
            { line },
          );
        }
      }
    }
    // Checked per chunk, so a long line is stopped within one chunk of the limit, never read whole.
    if (lineBytes > maxRowBytes) throw tooLarge(`Line ${line}`, options.settings);
  };
  const invalidText = (encoding: string) =>
    malformed(
      options.detectGb18030
        ? `The text cannot be decoded as ${encoding} near line ${line}: save the file as CSV UTF-8`
        : `The text is not valid UTF-8 near line ${line}`,
      { line },
    );
  const decode = (bytes: Buffer, end = false): string => {
    if (state.mode === 'gb18030') {
      const text = end ? gb.write(bytes) + (gb.end() ?? '') : gb.write(bytes);
      if (text.includes('\ufffd')) throw invalidText('GB18030');
      return text;
    }
    try {
      return utf8.decode(bytes, { stream: !end });
    } catch {
      throw invalidText('UTF-8');
    }
  };
  const decide = (atEnd: boolean): string => {
    const valid = isUtf8(atEnd ? held : held.subarray(0, completeUtf8Length(held)));
    if (!valid && !options.detectGb18030) throw invalidText('UTF-8');
    state.mode = valid ? 'utf8' : 'gb18030';
    const pending = held;
    held = Buffer.alloc(0);
    return decode(pending, atEnd);
  };

  for await (const raw of unownedChunks(source)) {
    let chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as string);
    if (chunk.length === 0) continue;
    total += chunk.length;
    if (state.mode === 'start') {
      held = held.length > 0 ? Buffer.concat([held, chunk]) : chunk;
      if (held.length < 4) continue;
      chunk = startOfText(held);
      held = Buffer.alloc(0);
      state.mode = 'probe';
    }
    scan(chunk);
    if (state.mode !== 'probe') {
      yield decode(chunk);
      continue;
    }
    if (held.length === 0) {
      const firstHigh = chunk.findIndex((b) => b >= 0x80);
      if (firstHigh < 0) {
        yield chunk.toString('latin1'); // ASCII reads the same in both encodings
        continue;
      }
      if (firstHigh > 0) yield chunk.toString('latin1', 0, firstHigh);
      chunk = chunk.subarray(firstHigh);
    }
    held = held.length > 0 ? Buffer.concat([held, chunk]) : chunk;
    if (held.length >= PROBE_BYTES) yield decide(false);
  }

  if (total === 0) throw EMPTY_FILE();
  if (state.mode === 'start') {
    const chunk = startOfText(held);
    held = Buffer.alloc(0);
    state.mode = 'probe';
    scan(chunk);
    const firstHigh = chunk.findIndex((b) => b >= 0x80);
    if (firstHigh < 0) {
      if (chunk.length > 0) yield chunk.toString('latin1');
      return;
    }
    if (firstHigh > 0) yield chunk.toString('latin1', 0, firstHigh);
    held = chunk.subarray(firstHigh);
  }
  if (state.mode === 'probe') {
    if (held.length > 0) yield decide(true);
    return;
  }
  const rest = decode(Buffer.alloc(0), true);
  if (rest) yield rest;
}

/** The first bytes of a text file without its UTF-8 BOM; throws for UTF-16 and for a ZIP (XLSX) file. */
function startOfText(head: Buffer): Buffer {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return head.subarray(3);
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw malformed('The file is UTF-16 text ("Unicode text"): save it as CSV UTF-8 (comma-delimited)');
  }
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    throw malformed('The file is a ZIP archive (an XLSX workbook?), not text: upload it as XLSX');
  }
  return head;
}

/**
 * The source's chunks, read without taking it over: leaving the loop early (a file error, a consumer
 * that stops) stops reading instead of destroying the stream, as a plain for-await would.
 */
function unownedChunks(source: Readable): AsyncIterableIterator<Buffer | string> {
  return source.iterator({ destroyOnReturn: false }) as AsyncIterableIterator<Buffer | string>;
}

/** Header cells as text, for matching. */
function headerText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

interface SheetRow {
  /** The row number the uploader sees (spreadsheet row; 1-based). */
  row: number;
  cells: CellValue[];
}

/** The error for a file (or workbook) where no row is a usable header. */
function missingColumns(best: HeaderMapping | undefined, bestCells: string[] | undefined): AppError {
  if (!best || best.columns.length === 0) {
    const lone = bestCells?.filter((c) => c.trim() !== '');
    const separator =
      lone?.length === 1 && /[;\t]/.test(lone[0] as string)
        ? ' The header seems to be separated by ";" or tabs: save the file as CSV (comma-delimited).'
        : '';
    return new AppError(
      'UPLOAD_MISSING_COLUMNS',
      `No header row found in the first ${MAX_TITLE_ROWS + 1} rows: expected columns such as 证书编号 (Certificate number), ` +
        `获证组织名称 (Organisation name), 统一社会信用代码 (Credit code).${separator}`,
      { details: { missing: mapHeader([]).missing } },
    );
  }
  return new AppError('UPLOAD_MISSING_COLUMNS', `Required columns are missing: ${best.missing.join('; ')}`, {
    details: { missing: best.missing, found: best.columns.map((c) => c.header) },
  });
}

/**
 * One table (a CSV file, an XLSX sheet) row by row: finds the header (at most MAX_TITLE_ROWS non-blank
 * rows above it), then maps each data row through the column table, skipping blank rows. Synchronous,
 * so that the format readers add no async step per row.
 */
class TableReader {
  mapping: HeaderMapping | undefined;
  /** True once MAX_TITLE_ROWS + 1 non-blank rows went by without a header. */
  gaveUp = false;
  private seen = 0;
  private best: HeaderMapping | undefined;
  private bestCells: string[] | undefined;
  private dataRows = 0;

  /**
   * @param strictWidth CSV: a row with non-empty cells beyond the header is rejected, since an unquoted
   *   comma inside a value would otherwise shift every later column silently.
   */
  constructor(
    private readonly settings: Settings,
    private readonly context: RowContext & { strictWidth: boolean },
  ) {}

  /** The parsed row for a data row; undefined for blank, title and header rows. */
  accept({ row, cells }: SheetRow): ParsedRow | undefined {
    if (isBlankRow(cells)) return undefined;
    const mapping = this.mapping;
    if (!mapping) {
      this.seen += 1;
      const texts = cells.map(headerText);
      const candidate = mapHeader(texts);
      if (candidate.missing.length === 0) {
        this.mapping = candidate;
        for (const warning of candidate.warnings) this.settings.warn(warning);
      } else {
        if (!this.best || candidate.columns.length > this.best.columns.length) {
          this.best = candidate;
          this.bestCells = texts;
        }
        if (this.seen > MAX_TITLE_ROWS) this.gaveUp = true;
      }
      return undefined;
    }
    this.dataRows += 1;
    if (this.context.strictWidth && cells.length > mapping.width && !isBlankRow(cells.slice(mapping.width))) {
      return {
        row,
        errors: [
          {
            row,
            field: '',
            code: 'ROW_MALFORMED',
            message: `The row has more cells than the header (${mapping.width}): a value with a comma must be in double quotes`,
          },
        ],
      };
    }
    const entries: RowEntry[] = mapping.columns.map(({ index, column, header }) => ({
      column,
      value: cells[index],
      label: header,
    }));
    return mapRow(row, entries, this.context);
  }

  /** Whether any non-blank row was seen. */
  get sawRows(): boolean {
    return this.seen > 0;
  }

  /** What to throw for a table that ended (or gave up) without a header, or with no data rows. */
  failure(): AppError | undefined {
    if (!this.mapping) return this.seen === 0 ? EMPTY_FILE() : missingColumns(this.best, this.bestCells);
    return this.dataRows === 0 ? NO_DATA_ROWS() : undefined;
  }

  /** The best header candidate, for a workbook-wide error when no sheet has one. */
  candidate(): { best?: HeaderMapping; bestCells?: string[] } {
    return { best: this.best, bestCells: this.bestCells };
  }
}

// ---------------------------------------------------------------------------------------------------
// CSV

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;

/**
 * An RFC 4180 tokenizer over text chunks (line ends already folded to LF): comma-separated, a quoted
 * value may hold commas, doubled quotes and new lines. Lenient where Excel is: a quote inside an
 * unquoted value is kept as is, text after a closing quote is kept. Hand-written rather than csv-parse
 * because it is the hot loop of an upload (about 4 times faster here) and it knows the line each
 * record starts on, which the error messages need.
 */
class CsvTokenizer {
  /** Records completed (blank lines included): the spreadsheet row number of the last one. */
  records = 0;
  /** The physical line the record being read starts on. */
  recordLine = 1;
  private line = 1;
  private state: 'start' | 'unquoted' | 'quoted' | 'quote' = 'start';
  private field = ''; // the current value's text from earlier chunks (or before a doubled quote)
  private record: string[] = [];
  private recordLength = 0;

  constructor(private readonly settings: Settings) {}

  /** Tokenises a chunk; the records it completes, in order. */
  push(text: string): SheetRow[] {
    const out: SheetRow[] = [];
    let segment = 0; // where the current value's text starts in this chunk
    const n = text.length;
    for (let i = 0; i < n; i += 1) {
      const c = text.charCodeAt(i);
      switch (this.state) {
        case 'start':
          if (c === QUOTE) {
            this.state = 'quoted';
            segment = i + 1;
          } else if (c === COMMA) this.endField('');
          else if (c === LF) {
            this.endField('');
            out.push(this.endRecord());
          } else {
            this.state = 'unquoted';
            segment = i;
          }
          break;
        case 'unquoted':
          if (c === COMMA) {
            this.endField(this.field + text.slice(segment, i));
            this.state = 'start';
          } else if (c === LF) {
            this.endField(this.field + text.slice(segment, i));
            out.push(this.endRecord());
            this.state = 'start';
          }
          break;
        case 'quoted':
          if (c === QUOTE) {
            this.field += text.slice(segment, i);
            this.state = 'quote';
          } else if (c === LF) this.line += 1;
          break;
        case 'quote': // just after a quote inside a quoted value: a doubled quote, or the end of the value
          if (c === QUOTE) {
            this.field += '"';
            segment = i + 1;
            this.state = 'quoted';
          } else if (c === COMMA) {
            this.endField(this.field);
            this.state = 'start';
          } else if (c === LF) {
            this.endField(this.field);
            out.push(this.endRecord());
            this.state = 'start';
          } else {
            segment = i;
            this.state = 'unquoted';
          }
          break;
      }
    }
    if (this.state === 'unquoted' || this.state === 'quoted') this.field += text.slice(segment);
    if (this.recordLength + this.field.length > this.settings.maxRowBytes) throw this.tooLarge();
    return out;
  }

  private tooLarge(): AppError {
    const row = this.records + 1;
    return new AppError(
      'UPLOAD_ROW_TOO_LARGE',
      `Row ${row} (from line ${this.recordLine}) is longer than the ${mib(this.settings.maxRowBytes)} a row may have` +
        (this.state === 'quoted' ? '; if it should not be, a quote is probably left open there' : ''),
      { details: { row, line: this.recordLine, maxRowBytes: this.settings.maxRowBytes } },
    );
  }

  /** The last record, if the text does not end with a new line; throws for a quote left open. */
  end(): SheetRow | undefined {
    if (this.state === 'quoted') {
      const row = this.records + 1;
      throw malformed(`A quoted value that starts on line ${this.recordLine} (row ${row}) is never closed`, {
        line: this.recordLine,
        row,
      });
    }
    if (this.state === 'start' && this.record.length === 0) return undefined;
    this.endField(this.state === 'start' ? '' : this.field);
    return this.endRecord();
  }

  private endField(value: string): void {
    this.record.push(value);
    this.recordLength += value.length + 1;
    this.field = '';
  }

  private endRecord(): SheetRow {
    if (this.recordLength > this.settings.maxRowBytes) throw this.tooLarge();
    this.records += 1;
    const row = { row: this.records, cells: this.record };
    this.record = [];
    this.recordLength = 0;
    this.line += 1;
    this.recordLine = this.line;
    return row;
  }
}

/**
 * CSV: comma-separated, quoted values may hold commas, quotes ("") and new lines; LF, CRLF or CR line
 * ends; UTF-8 with or without BOM, or GB18030/GBK. Row numbers count records from 1 as a spreadsheet
 * shows them (blank lines included, a new line inside quotes not).
 */
async function* parseCsv(source: Readable, settings: Settings): AsyncGenerator<ParsedRow> {
  const tokenizer = new CsvTokenizer(settings);
  const table = new TableReader(settings, { strictWidth: true });
  let carriageReturn = false; // a chunk ended with CR: its LF may start the next chunk
  const rows = function* (records: Iterable<SheetRow>): Generator<ParsedRow> {
    for (const record of records) {
      const parsed = table.accept(record);
      if (parsed) yield parsed;
      else if (table.gaveUp) throw table.failure();
    }
  };
  for await (let text of decodedText(source, { detectGb18030: true, settings })) {
    if (carriageReturn) text = `\r${text}`;
    carriageReturn = text.endsWith('\r');
    if (carriageReturn) text = text.slice(0, -1);
    // CRLF and a lone CR (old Mac Excel) end a line like LF; inside quotes they become LF.
    if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
    yield* rows(tokenizer.push(text));
  }
  if (carriageReturn) yield* rows(tokenizer.push('\n'));
  const last = tokenizer.end();
  if (last) yield* rows([last]);
  const failure = table.failure();
  if (failure) throw failure;
}

// ---------------------------------------------------------------------------------------------------
// XLSX

/** An XLSX cell's value as a plain value: rich text joined, formulas by their result, links by their text. */
export function flattenCell(value: unknown): CellValue {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value;
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) {
      return v.richText.map((run) => (run as { text?: unknown }).text ?? '').join('');
    }
    if ('formula' in v || 'sharedFormula' in v || 'result' in v) return flattenCell(v.result);
    if ('error' in v) return String(v.error);
    if ('text' in v) return flattenCell(v.text);
  }
  return undefined;
}

const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * XLSX: the first sheet whose header (on row 1, or below up to MAX_TITLE_ROWS title rows) maps the
 * required columns; other sheets are not read. Row numbers are the sheet's.
 *
 * A ZIP is read by its central directory, at its end: the upload is first written to a temp file
 * (removed when parsing ends, however it ends), then read with xlsx-reader.ts. Memory: rows are
 * streamed, but the workbook's shared-string table (every distinct text) is kept in memory, so it is
 * bounded by the file size, not flat: the upload route caps the size of XLSX uploads (IAF CertSearch
 * takes 20 MB).
 */
async function* parseXlsx(source: Readable, settings: Settings): AsyncGenerator<ParsedRow> {
  const input = unownedChunks(source);
  // Check the signature first: junk fails before anything is written.
  let head = Buffer.alloc(0);
  while (head.length < ZIP_SIGNATURE.length) {
    const next = await input.next();
    if (next.done) break;
    head = Buffer.concat([head, Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value)]);
  }
  if (head.length === 0) throw EMPTY_FILE();
  if (!head.subarray(0, 4).equals(ZIP_SIGNATURE)) {
    throw malformed('The file is not an XLSX workbook (an XLSX file is a ZIP archive; this one is not)');
  }

  const dir = await mkdtemp(path.join(os.tmpdir(), 'certwatch-xlsx-'));
  let workbook: XlsxWorkbook | undefined;
  try {
    const file = path.join(dir, 'upload.xlsx');
    const out = await open(file, 'w');
    try {
      await out.write(head);
      // A failing source (an aborted upload) rejects here, as it is: not the file's fault.
      for (let next = await input.next(); !next.done; next = await input.next()) {
        await out.write(Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value));
      }
    } finally {
      await out.close();
    }
    try {
      workbook = await openXlsx(file);
    } catch (error) {
      throw malformed(`The XLSX workbook cannot be read: ${(error as Error).message ?? String(error)}`);
    }

    let best: HeaderMapping | undefined;
    let bestCells: string[] | undefined;
    let sawRows = false;
    let sheetCount = 0;
    try {
      for await (const sheet of workbook.sheets()) {
        sheetCount += 1;
        const table = new TableReader(settings, { date1904: workbook.date1904, strictWidth: false });
        for await (const row of sheetRows(sheet, settings)) {
          const parsed = table.accept(row);
          if (parsed) yield parsed;
          else if (table.gaveUp) break;
        }
        if (table.mapping) {
          const failure = table.failure();
          if (failure) throw failure;
          return; // the certificate sheet is read; later sheets are not
        }
        sawRows ||= table.sawRows;
        const candidate = table.candidate();
        if (candidate.best && (!best || candidate.best.columns.length > best.columns.length)) {
          best = candidate.best;
          bestCells = candidate.bestCells;
        }
      }
    } catch (error) {
      if (isAppError(error)) throw error;
      throw malformed(`The XLSX workbook cannot be read: ${(error as Error).message ?? String(error)}`);
    }
    if (sheetCount === 0)
      throw malformed('The file is a ZIP archive but not an XLSX workbook (it has no worksheets)');
    if (!sawRows) throw EMPTY_FILE();
    throw missingColumns(best, bestCells);
  } finally {
    workbook?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function* sheetRows(sheet: XlsxSheet, settings: Settings): AsyncGenerator<SheetRow> {
  for await (const row of sheet) {
    // Row.values is 1-based (index 0 is empty) and sparse where cells are missing.
    const values = row.values as unknown[];
    const cells: CellValue[] = [];
    let size = 0;
    for (let i = 1; i < values.length; i += 1) {
      const cell = flattenCell(values[i]);
      if (typeof cell === 'string') size += cell.length;
      cells.push(cell);
    }
    if (size > settings.maxRowBytes) throw tooLarge(`Row ${row.number}`, settings);
    yield { row: row.number, cells };
  }
}

// ---------------------------------------------------------------------------------------------------
// NDJSON

/**
 * NDJSON: one JSON object per line, UTF-8, in CertificateInput shape ({ holder: { … }, audit: { … } })
 * or flat with the same keys as the CSV columns ("holder.creditCode", "Credit code", 统一社会信用代码).
 * A line that is not a JSON object is that row's error. Row numbers are line numbers.
 */
async function* parseNdjson(source: Readable, settings: Settings): AsyncGenerator<ParsedRow> {
  const unknownKeys = new Set<string>();
  let line = 0;
  let rows = 0;
  let held = ''; // the start of a line whose end is in a later chunk (bounded: decodedText caps lines)
  const lineOf = (text: string): ParsedRow | undefined => {
    line += 1;
    const trimmed = text.trim();
    if (trimmed === '') return undefined;
    rows += 1;
    return ndjsonRow(trimmed, line, unknownKeys);
  };
  try {
    for await (const chunk of decodedText(source, { detectGb18030: false, settings })) {
      let start = 0;
      for (let lf = chunk.indexOf('\n'); lf >= 0; lf = chunk.indexOf('\n', start)) {
        const parsed = lineOf(held + chunk.slice(start, lf));
        held = '';
        if (parsed) yield parsed;
        start = lf + 1;
      }
      held += chunk.slice(start);
    }
    const parsed = lineOf(held);
    if (parsed) yield parsed;
    if (rows === 0) throw new AppError('UPLOAD_EMPTY', 'The file has no JSON lines');
  } finally {
    if (unknownKeys.size > 0) {
      const columns = [...unknownKeys];
      settings.warn({
        code: 'UPLOAD_UNKNOWN_COLUMNS',
        message: `Keys ignored (not part of a certificate report): ${columns.join(', ')}`,
        columns,
      });
    }
  }
}

const NESTED_KEYS = new Set(['holder', 'audit']);
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

function ndjsonRow(text: string, line: number, unknownKeys: Set<string>): ParsedRow {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      row: line,
      errors: [
        {
          row: line,
          field: '',
          code: 'ROW_MALFORMED',
          message: `Not valid JSON: ${(error as Error).message}`,
        },
      ],
    };
  }
  if (!isPlainObject(value)) {
    return {
      row: line,
      errors: [{ row: line, field: '', code: 'ROW_MALFORMED', message: 'Each line must be one JSON object' }],
    };
  }
  const entries: RowEntry[] = [];
  const add = (key: string, v: unknown) => {
    const column = matchColumn(key);
    if (column)
      entries.push({ column, value: typeof v === 'string' || Array.isArray(v) ? v : scalar(v), label: key });
    else unknownKeys.add(key);
  };
  for (const [key, v] of Object.entries(value)) {
    if (NESTED_KEYS.has(key) && isPlainObject(v)) {
      for (const [inner, innerValue] of Object.entries(v)) add(`${key}.${inner}`, innerValue);
    } else add(key, v);
  }
  return mapRow(line, entries);
}

/** A JSON value that is not a string or array, as a cell: numbers and booleans stay, objects are not cells. */
function scalar(value: unknown): CellValue {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  return JSON.stringify(value);
}
