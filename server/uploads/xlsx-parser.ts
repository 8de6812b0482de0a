/** XLSX uploads: the first sheet with a usable header, read row by row through the table reader. */
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { isAppError } from '../platform/errors';
import type { CellValue } from './upload-cells';
import type { ParsedRow } from './upload-schema';
import {
  EMPTY_FILE,
  malformed,
  TableReader,
  tooLarge,
  type RowTable,
  type SheetRow,
  type Settings,
} from './upload-table';
import { unownedChunks } from './upload-text';
import { openXlsx, type XlsxSheet, type XlsxWorkbook } from './xlsx-reader';

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
export function parseXlsx(source: Readable, settings: Settings): AsyncGenerator<ParsedRow> {
  return parseXlsxTable(
    source,
    settings,
    (date1904) => new TableReader(settings, { date1904, strictWidth: false }),
  );
}

/**
 * XLSX read through any table (parseXlsx's, or another register's kept in the same files): the first
 * sheet whose header the table finds is read, the others not.
 */
export async function* parseXlsxTable<R>(
  source: Readable,
  settings: Settings,
  newTable: (date1904: boolean) => RowTable<R>,
): AsyncGenerator<R> {
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

    let best: RowTable<R> | undefined;
    let sawRows = false;
    let sheetCount = 0;
    try {
      for await (const sheet of workbook.sheets()) {
        sheetCount += 1;
        const table = newTable(workbook.date1904);
        for await (const row of sheetRows(sheet, settings)) {
          const parsed = table.accept(row);
          if (parsed) yield parsed;
          else if (table.gaveUp) break;
        }
        if (table.headerFound) {
          const failure = table.failure();
          if (failure) throw failure;
          return; // the certificate sheet is read; later sheets are not
        }
        sawRows ||= table.sawRows;
        if (table.headerScore() >= 0 && (!best || table.headerScore() > best.headerScore())) best = table;
      }
    } catch (error) {
      if (isAppError(error)) throw error;
      throw malformed(`The XLSX workbook cannot be read: ${(error as Error).message ?? String(error)}`);
    }
    if (sheetCount === 0)
      throw malformed('The file is a ZIP archive but not an XLSX workbook (it has no worksheets)');
    if (!sawRows) throw EMPTY_FILE();
    throw best?.failure() ?? EMPTY_FILE();
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
