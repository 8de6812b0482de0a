import { csvChunks } from '../platform/csv';
import type { Lang } from '../platform/i18n';
import { columnName } from './upload-row-mapping';
import { messageIn } from './upload-row-texts';
import type { RowError } from './upload-schema';

/**
 * The columns of the error report, in order, as the reader's language names them: the row, the column
 * as the file's header writes it, the code, what is wrong, the certificate number, and last the
 * canonical field (`holder.creditCode`) for programs.
 */
export const ERROR_REPORT_COLUMNS: Record<Lang, readonly string[]> = {
  zh: ['行号', '列', '错误代码', '错误说明', '证书编号', '字段'],
  en: ['row', 'column', 'code', 'message', 'number', 'field'],
};

const NO_HEADERS: ReadonlyMap<string, string> = new Map();

/** The column of an error as the report shows it: as written in the file, else the template's header. */
function columnOf(error: RowError, lang: Lang): string {
  if (error.header !== undefined) return error.header;
  if (error.field === '') return '';
  const name = columnName(error.field, NO_HEADERS);
  return typeof name === 'string' ? name : name[lang];
}

/**
 * The error report of a job as formula-safe CSV text in `lang`, in chunks (`csvChunks`): one line per row
 * error, in the order given, read as it goes.
 */
export async function* errorReportCsv(
  errors: AsyncIterable<RowError>,
  lang: Lang,
  chunkChars?: number,
): AsyncGenerator<string> {
  async function* rows() {
    for await (const e of errors) {
      yield [e.row, columnOf(e, lang), e.code, messageIn(e, lang), e.number, e.field];
    }
  }
  yield* csvChunks(ERROR_REPORT_COLUMNS[lang], rows(), chunkChars);
}
