import type { RowError } from './upload-schema';

/** The columns of the error report, in order. */
export const ERROR_REPORT_COLUMNS = ['row', 'field', 'code', 'message', 'number'] as const;

/** UTF-8 byte order mark: without it, Excel reads a UTF-8 CSV in the ANSI code page and garbles Chinese. */
const BOM = '\ufeff';

/**
 * Characters that make a spreadsheet read a cell as a formula (or, tab and CR, that hide one) when they
 * come first: = + - @ and their full-width forms, tab, CR, LF. Such a cell is prefixed with an
 * apostrophe, the spreadsheet convention for "text" (OWASP, CSV injection).
 */
const FORMULA_START = /^[=+\-@\t\r\n＝＋－＠]/;

/** One CSV cell: defused when it could start a formula, quoted when it holds a separator, quote or new line. */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function line(cells: (string | number | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * The error report of a job as CSV text, in chunks of about `chunkChars` characters: a BOM, a header
 * line, then one line per row error (CRLF line ends, as Excel writes them). Reads the errors as it goes,
 * so a long report is never held whole.
 */
export async function* errorReportCsv(
  errors: AsyncIterable<RowError>,
  chunkChars = 64 * 1024,
): AsyncGenerator<string> {
  let chunk = BOM + line([...ERROR_REPORT_COLUMNS]);
  for await (const e of errors) {
    chunk += line([e.row, e.field, e.code, e.message, e.number]);
    if (chunk.length >= chunkChars) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}
