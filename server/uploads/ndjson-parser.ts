/** NDJSON uploads: one JSON object per line, nested or flat keys, mapped through the column table. */
import type { Readable } from 'node:stream';
import { AppError } from '../platform/errors';
import type { CellValue } from './upload-cells';
import { matchColumn } from './upload-columns';
import { mapRow, type RowEntry } from './upload-row-mapping';
import { ROW_TEXT, rowError } from './upload-row-texts';
import type { ParsedRow } from './upload-schema';
import type { Settings } from './upload-table';
import { decodedText } from './upload-text';

/**
 * NDJSON: one JSON object per line, UTF-8, in CertificateInput shape ({ holder: { … }, audit: { … } })
 * or flat with the same keys as the CSV columns ("holder.creditCode", "Credit code", 统一社会信用代码).
 * A line that is not a JSON object is that row's error. Row numbers are line numbers.
 */
export async function* parseNdjson(source: Readable, settings: Settings): AsyncGenerator<ParsedRow> {
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
      errors: [rowError(line, '', 'ROW_MALFORMED', ROW_TEXT.notJson((error as Error).message))],
    };
  }
  if (!isPlainObject(value)) {
    return {
      row: line,
      errors: [rowError(line, '', 'ROW_MALFORMED', ROW_TEXT.notJsonObject())],
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
