/** CSV uploads: an RFC 4180 tokenizer over decoded text, rows read through the table reader. */
import type { Readable } from 'node:stream';
import type { ParsedRow } from './upload-schema';
import { AppError } from '../platform/errors';
import { malformed, mib, TableReader, type RowTable, type Settings, type SheetRow } from './upload-table';
import { decodedText } from './upload-text';

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
export function parseCsv(source: Readable, settings: Settings): AsyncGenerator<ParsedRow> {
  return parseCsvTable(source, settings, new TableReader(settings, { strictWidth: true }));
}

/** CSV read through any table (parseCsv's, or another register's kept in the same files). */
export async function* parseCsvTable<R>(
  source: Readable,
  settings: Settings,
  table: RowTable<R>,
): AsyncGenerator<R> {
  const tokenizer = new CsvTokenizer(settings);
  let carriageReturn = false; // a chunk ended with CR: its LF may start the next chunk
  const rows = function* (records: Iterable<SheetRow>): Generator<R> {
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
