/**
 * Reads an XLSX workbook from a file, sheet by sheet and row by row, with exceljs's streaming sheet
 * reader but not its ZIP walk. exceljs's `WorkbookReader.parse()` reads the ZIP in one streaming pass
 * that on Node ≥ 18 now and then loses an entry (exceljs#3064: "Cannot read properties of undefined
 * (reading 'sheets')" for a valid workbook; it failed our CI under load). Here the ZIP is opened by
 * its central directory (unzipper, the library exceljs itself uses), the parts the sheets depend on
 * (relationships, workbook, shared strings, styles) are read first, and each sheet is read only when
 * asked for, straight from the file: nothing is spooled and no temp file is left behind.
 *
 * This drives exceljs's reader through its internal `_parse*` steps (exceljs 4.4; see Internals): the
 * XLSX tests cover every step, so a change there fails them, not uploads.
 */
import { stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import type unzipper from 'unzipper';

/** One sheet: its rows, read when iterated. */
export interface XlsxSheet extends AsyncIterable<ExcelJS.Row> {
  /** The tab name (from workbook.xml). */
  name?: string;
}

export interface XlsxWorkbook {
  /** The workbook counts dates from 1904 (old Mac Excel) rather than 1900. */
  readonly date1904: boolean;
  /** The worksheets in order (sheet1.xml, sheet2.xml, …); a sheet is read only if iterated. */
  sheets(): AsyncGenerator<XlsxSheet>;
  /** Closes every file stream still open (a sheet left unread half-way). Safe to call twice. */
  close(): void;
}

/** The steps of exceljs's WorkbookReader that this drives (lib/stream/xlsx/workbook-reader.js). */
interface Internals {
  properties?: { model?: { date1904?: boolean } };
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(
    chunks: AsyncIterable<Buffer>,
    sheetNo: string,
  ): Generator<{ eventType: string; value: XlsxSheet }>;
}

const SHEET_PATH = /^xl\/worksheets\/sheet(\d+)\.xml$/;

/** The type attribute of an error cell, inside a `<c …>` start tag. */
const ERROR_CELL_TYPE = /(<c\b[^>]*?\st=)(["'])e\2/g;

/**
 * A sheet's XML with every error cell (`t="e"`) retyped as a string cell (`t="str"`). exceljs reads the
 * cached result of a formula whose result is an error (`#N/A` from a VLOOKUP) as parseFloat('#N/A') and
 * then drops the NaN: the cell would look empty. As a string, the error text reaches the row mapper,
 * which reports it by name. Bytes are handled as latin1 (one character per byte, so nothing is re-encoded),
 * and a start tag cut by a chunk boundary is held back until its end has arrived.
 */
export async function* retypeErrorCells(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  let carry = '';
  for await (const chunk of chunks) {
    const text = carry + (typeof chunk === 'string' ? Buffer.from(chunk) : chunk).toString('latin1');
    const open = text.lastIndexOf('<');
    const cut = open >= 0 && text.indexOf('>', open) < 0 ? open : text.length;
    carry = text.slice(cut);
    if (cut > 0) yield Buffer.from(text.slice(0, cut).replace(ERROR_CELL_TYPE, '$1$2str$2'), 'latin1');
  }
  if (carry !== '') yield Buffer.from(carry.replace(ERROR_CELL_TYPE, '$1$2str$2'), 'latin1');
}

/**
 * Opens the workbook in `file` and reads what every sheet needs. Rejects when the file is not a
 * readable ZIP (no central directory: cut short, or not a ZIP) or has no xl/workbook.xml.
 */
export async function openXlsx(file: string): Promise<XlsxWorkbook> {
  const size = (await stat(file)).size;
  const open = new Set<Readable>();
  const close = () => {
    for (const stream of open) stream.destroy();
    open.clear();
  };
  // Loaded at the first workbook: exceljs and unzipper are some 300 modules, which every start of the
  // portal and of each CLI would otherwise load whether or not it ever reads an XLSX file.
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded late on purpose (see above) */
  const { stream: xlsxStream } = require('exceljs') as typeof ExcelJS;
  const { Open } = require('unzipper') as typeof unzipper;
  /* eslint-enable @typescript-eslint/no-require-imports */
  try {
    const directory = await Open.custom({
      size: () => Promise.resolve(size),
      stream: (offset: number, length?: number) => {
        const end = length ? offset + length : undefined;
        const stream = createReadStream(file, { start: offset, end });
        open.add(stream);
        stream.once('close', () => open.delete(stream));
        return stream;
      },
    });
    const parts = new Map(directory.files.map((entry) => [entry.path, entry]));
    const part = (path: string) => parts.get(path)?.stream() as Readable | undefined;

    const reader = new xlsxStream.xlsx.WorkbookReader(file, {
      worksheets: 'emit',
      sharedStrings: 'cache',
      styles: 'cache', // number formats tell date cells from numbers
      hyperlinks: 'ignore',
      entries: 'ignore',
    }) as unknown as Internals;
    const rels = part('xl/_rels/workbook.xml.rels');
    if (rels) await reader._parseRels(rels);
    const workbook = part('xl/workbook.xml');
    if (!workbook) throw new Error('it has no xl/workbook.xml');
    await reader._parseWorkbook(workbook);
    const sharedStrings = part('xl/sharedStrings.xml');
    if (sharedStrings) for await (const _ of reader._parseSharedStrings(sharedStrings));
    const styles = part('xl/styles.xml');
    if (styles) await reader._parseStyles(styles);

    const sheetPaths = [...parts.keys()]
      .map((path) => SHEET_PATH.exec(path))
      .filter((match): match is RegExpExecArray => match !== null)
      .sort((a, b) => Number(a[1]) - Number(b[1]));

    return {
      date1904: reader.properties?.model?.date1904 === true,
      close,
      async *sheets() {
        for (const [path, sheetNo] of sheetPaths) {
          // Opened only when the sheet's rows are asked for.
          const chunks = {
            [Symbol.asyncIterator]: () => retypeErrorCells(part(path) as Readable)[Symbol.asyncIterator](),
          };
          for (const event of reader._parseWorksheet(chunks, sheetNo as string)) {
            if (event.eventType === 'worksheet') yield event.value;
          }
        }
      },
    };
  } catch (error) {
    close();
    throw error;
  }
}
