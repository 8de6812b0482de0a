/**
 * CSV files for people to open in a spreadsheet (error reports, export manifests): UTF-8 with a BOM,
 * CRLF line ends, and cells that cannot run as formulas.
 */

/** UTF-8 byte order mark: without it, Excel reads a UTF-8 CSV in the ANSI code page and garbles Chinese. */
const BOM = '\ufeff';

/**
 * Characters that make a spreadsheet read a cell as a formula (or, tab and CR, that hide one) when they
 * come first: = + - @ and their full-width forms, tab, CR, LF. Such a cell is prefixed with an
 * apostrophe, the spreadsheet convention for "text" (OWASP, CSV injection).
 */
const FORMULA_START = /^[=+\-@\t\r\n＝＋－＠]/;

type Cell = string | number | undefined;

/** One CSV cell: defused when it could start a formula, quoted when it holds a separator, quote or new line. */
export function csvCell(value: Cell): string {
  if (value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function line(cells: readonly Cell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * A CSV file as text, in chunks of about `chunkChars` characters: a BOM, the header line, then one line
 * per row (CRLF line ends, as Excel writes them). Reads the rows as it goes, so a long file is never
 * held whole.
 */
export async function* csvChunks(
  header: readonly string[],
  rows: AsyncIterable<readonly Cell[]>,
  chunkChars = 64 * 1024,
): AsyncGenerator<string> {
  let chunk = BOM + line(header);
  for await (const cells of rows) {
    chunk += line(cells);
    if (chunk.length >= chunkChars) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}
