/**
 * What the upload formats share: the parse settings, the file-level errors, and the reader of one table
 * (a CSV file, an XLSX sheet) that finds its header and maps its rows through the column table.
 */
import { AppError } from '../platform/errors';
import { toHalfWidth } from '../platform/normalize';
import type { CellValue } from './upload-cells';
import { mapHeader, type HeaderMapping } from './upload-columns';
import { isBlankRow, mapRow, type RowContext, type RowEntry } from './upload-row-mapping';
import { ROW_TEXT, rowError, WARNING_TEXT } from './upload-row-texts';
import type { ParsedRow, UploadWarning } from './upload-schema';

/** Rows above the header that a sheet may have (a title, a reporting period, a note). */
export const MAX_TITLE_ROWS = 10;

/** Total rows named in notices; more are skipped without one (a file of subtotals says enough by then). */
const MAX_TOTAL_ROW_NOTICES = 20;

/** The words a total row starts with: 合计, 总计, 共计, 小计, Total, Grand total, Sum. */
const TOTAL_WORD = /^(?:合计|总计|共计|小计|总数|(?:grand\s*)?total|sum)(?:$|[\s:：(（,，\d])/i;

/**
 * A total row: its first filled cell is text starting with 合计/总计/Total (the sum a clerk puts under the
 * last certificate). A certificate number never is such a word followed by a space, colon or digit.
 */
export function isTotalRow(cells: readonly CellValue[]): boolean {
  const first = cells.find(
    (c) => !(c === null || c === undefined || (typeof c === 'string' && c.trim() === '')),
  );
  return typeof first === 'string' && TOTAL_WORD.test(toHalfWidth(first).trim());
}

export interface Settings {
  maxRowBytes: number;
  warn: (warning: UploadWarning) => void;
}

export const mib = (bytes: number) => `${Math.round((bytes / 1048576) * 100) / 100} MiB`;

export function tooLarge(where: string, settings: Settings): AppError {
  return new AppError(
    'UPLOAD_ROW_TOO_LARGE',
    `${where} is longer than the ${mib(settings.maxRowBytes)} a row may have`,
    {
      details: { maxRowBytes: settings.maxRowBytes },
    },
  );
}

export function malformed(message: string, details?: Record<string, unknown>): AppError {
  return new AppError('UPLOAD_MALFORMED', message, details ? { details } : {});
}

export const EMPTY_FILE = () => new AppError('UPLOAD_EMPTY', 'The file is empty');
export const NO_DATA_ROWS = () => new AppError('UPLOAD_EMPTY', 'The file has a header row but no data rows');

/** Header cells as text, for matching. */
function headerText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

export interface SheetRow {
  /** The row number the uploader sees (spreadsheet row; 1-based). */
  row: number;
  cells: CellValue[];
}

/** The error for a file (or workbook) where no row is a usable header. */
export function missingColumns(best: HeaderMapping | undefined, bestCells: string[] | undefined): AppError {
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
 * What reads one table (a CSV file, an XLSX sheet) row by row for the format readers: the certificate
 * report (TableReader) or another register kept from the same files (the auditor register).
 */
export interface RowTable<R> {
  /** The mapped row for a data row; undefined for blank, title and header rows. */
  accept(row: SheetRow): R | undefined;
  /** True once too many non-blank rows went by without a header. */
  readonly gaveUp: boolean;
  /** Whether any non-blank row was seen. */
  readonly sawRows: boolean;
  /** Whether a usable header was found. */
  readonly headerFound: boolean;
  /** How many columns the best header candidate so far mapped (-1 before any row): picks the sheet to blame. */
  headerScore(): number;
  /** What to throw for a table that ended (or gave up) without a header, or with no data rows. */
  failure(): AppError | undefined;
}

/**
 * One table (a CSV file, an XLSX sheet) row by row: finds the header (at most MAX_TITLE_ROWS non-blank
 * rows above it), then maps each data row through the column table, skipping blank rows. Synchronous,
 * so that the format readers add no async step per row.
 */
export class TableReader implements RowTable<ParsedRow> {
  mapping: HeaderMapping | undefined;
  /** True once MAX_TITLE_ROWS + 1 non-blank rows went by without a header. */
  gaveUp = false;
  private seen = 0;
  private best: HeaderMapping | undefined;
  private bestCells: string[] | undefined;
  private dataRows = 0;
  private totalRows = 0;
  private headers: ReadonlyMap<string, string> | undefined;

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
        this.headers = new Map(candidate.columns.map((c) => [c.column.field, c.header]));
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
    if (isTotalRow(cells)) {
      // A sum under the last certificate (合计 …): a notice, not a row of errors.
      if (this.totalRows < MAX_TOTAL_ROW_NOTICES) {
        this.totalRows += 1;
        const rows = [row];
        const text = WARNING_TEXT.UPLOAD_TOTAL_ROW_SKIPPED({ rows });
        this.settings.warn({ code: 'UPLOAD_TOTAL_ROW_SKIPPED', message: text.en, columns: [], rows });
      }
      return undefined;
    }
    this.dataRows += 1;
    if (this.context.strictWidth && cells.length > mapping.width && !isBlankRow(cells.slice(mapping.width))) {
      return {
        row,
        errors: [rowError(row, '', 'ROW_MALFORMED', ROW_TEXT.widerThanHeader(mapping.width))],
      };
    }
    const entries: RowEntry[] = mapping.columns.map(({ index, column, header }) => ({
      column,
      value: cells[index],
      label: header,
    }));
    return mapRow(row, entries, { ...this.context, headers: this.headers });
  }

  /** Whether any non-blank row was seen. */
  get sawRows(): boolean {
    return this.seen > 0;
  }

  get headerFound(): boolean {
    return this.mapping !== undefined;
  }

  headerScore(): number {
    return this.best?.columns.length ?? -1;
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
