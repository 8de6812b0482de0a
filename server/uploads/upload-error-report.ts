import { csvChunks } from '../platform/csv';
import type { RowError } from './upload-schema';

/** The columns of the error report, in order. */
export const ERROR_REPORT_COLUMNS = ['row', 'field', 'code', 'message', 'number'] as const;

/**
 * The error report of a job as formula-safe CSV text, in chunks (`csvChunks`): one line per row error,
 * in the order given, read as it goes.
 */
export async function* errorReportCsv(
  errors: AsyncIterable<RowError>,
  chunkChars?: number,
): AsyncGenerator<string> {
  async function* rows() {
    for await (const e of errors) yield [e.row, e.field, e.code, e.message, e.number];
  }
  yield* csvChunks(ERROR_REPORT_COLUMNS, rows(), chunkChars);
}
