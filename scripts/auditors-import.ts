/**
 * Imports the auditor register (the CCAA register's export, CSV or XLSX) into CertWatch, with a progress
 * line of what has been sent, and prints the import's counts and refused rows.
 *
 *   CERTWATCH_TOKEN=cw.… npm run auditors:import -- FILE [--format csv|xlsx] [--url URL]
 *                                                     [--token-file PATH] [--lang zh|en]
 *
 *   FILE          a .csv (UTF-8 or GBK) or .xlsx file with 注册号, 姓名, 注册领域, 注册级别 (optional) and
 *                 the validity (有效期起 + 有效期至, or 有效期 as a range)
 *   --format      when the file name does not say it
 *   --url         the portal's origin (default $CERTWATCH_URL, else http://localhost:3000)
 *   --token-file  a file holding an admin token (else $CERTWATCH_TOKEN)
 *   --lang        the language of the refused rows' reasons (default zh)
 *
 * As with `npm run upload`, the token is never taken from the command line (`--token` is refused): npm
 * echoes command lines into terminals and CI logs, and `ps` shows them to every user.
 *
 * Exit status: 0 when the import ran (some rows may have been refused: see the summary), 1 when the
 * portal refused the file, 2 for a usage error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { postFile } from './post-file';

const CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
/** Refused rows printed at most (the answer lists up to 1,000). */
const PRINTED_ERRORS = 50;

interface ImportAnswer {
  id: string;
  state: string;
  counts: { rows: number; created: number; updated: number; unchanged: number; rejected: number };
  errors: { row: number; field: string; code: string; message: { zh: string; en: string } }[];
  errorsLeftOut: number;
  registerSize: number;
}

function usage(message: string): never {
  console.error(
    `${message}\n\nUsage: CERTWATCH_TOKEN=<admin token> npm run auditors:import -- FILE [--format csv|xlsx] ` +
      '[--url URL] [--token-file PATH] [--lang zh|en]',
  );
  process.exit(2);
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        url: { type: 'string', default: process.env.CERTWATCH_URL ?? 'http://localhost:3000' },
        // Declared only to refuse it with a reason.
        token: { type: 'string' },
        'token-file': { type: 'string' },
        lang: { type: 'string', default: 'zh' },
      },
    });
  } catch (error) {
    usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.token !== undefined) {
    usage(
      '--token is refused: a token on the command line is echoed by npm into terminals and CI logs and shown by `ps`. ' +
        'Set CERTWATCH_TOKEN, or give --token-file PATH.',
    );
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) usage('Give exactly one register file to import.');
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) usage(`No such file: ${file}`);
  const format = values.format ?? path.extname(file).slice(1).toLowerCase();
  if (!CONTENT_TYPES[format]) usage(`Cannot tell the format of ${file}: give --format csv or xlsx.`);
  if (values.lang !== 'zh' && values.lang !== 'en') usage('--lang is zh or en.');
  let token: string | undefined;
  const tokenFile = values['token-file'];
  if (tokenFile !== undefined) {
    try {
      token = fs.readFileSync(tokenFile, 'utf8').trim();
    } catch (error) {
      usage(
        `Cannot read --token-file ${tokenFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
    if (!token) usage(`--token-file ${tokenFile} is empty.`);
  } else {
    token = process.env.CERTWATCH_TOKEN?.trim();
    if (!token) usage('No token: set CERTWATCH_TOKEN to an admin token, or give --token-file PATH.');
  }
  let base: URL;
  try {
    base = new URL(values.url);
  } catch {
    usage(`--url is not a URL: ${values.url}`);
  }
  return { file, format, base, token, lang: values.lang as 'zh' | 'en' };
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
const n = (value: number) => value.toLocaleString('en');

/** Streams the file to POST /api/v1/auditors/imports; resolves with the status and the parsed answer. */
function send(
  o: ReturnType<typeof options>,
  onSent: (bytes: number) => void,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = new URL('/api/v1/auditors/imports', o.base);
  url.searchParams.set('format', o.format);
  url.searchParams.set('fileName', path.basename(o.file));
  const headers = {
    Authorization: `Bearer ${o.token}`,
    'Content-Type': CONTENT_TYPES[o.format] as string,
    // A refusal's detail in the language of the rows' reasons.
    'Accept-Language': o.lang,
  };
  return postFile(url, o.file, headers, onSent);
}

async function main() {
  const o = options();
  const total = fs.statSync(o.file).size;
  const tty = process.stdout.isTTY === true;
  console.log(`Importing the auditor register ${o.file} (${mb(total)}, ${o.format}) into ${o.base.origin}`);
  const answer = await send(o, (sent) => {
    if (tty)
      process.stdout.write(
        `\rsent ${mb(sent)} / ${mb(total)}${sent >= total ? ', the portal is importing…' : ''}\x1b[K`,
      );
  });
  if (tty) process.stdout.write('\n');
  if (answer.status !== 201) {
    const { code, detail } = answer.body;
    console.error(`Import refused: HTTP ${answer.status} ${String(code ?? '')}: ${String(detail ?? '')}`);
    process.exit(1);
  }
  const result = answer.body as unknown as ImportAnswer;
  const c = result.counts;
  console.log(`Import ${result.id}: ${result.state}`);
  console.log(
    `  rows ${n(c.rows)}: created ${n(c.created)}, updated ${n(c.updated)}, unchanged ${n(c.unchanged)}, refused ${n(c.rejected)}`,
  );
  console.log(`  the register now holds ${n(result.registerSize)} registrations`);
  for (const e of result.errors.slice(0, PRINTED_ERRORS)) {
    console.log(`  row ${e.row} ${e.field} ${e.code}: ${e.message[o.lang]}`);
  }
  const notShown = result.errors.length - PRINTED_ERRORS + result.errorsLeftOut;
  if (notShown > 0) console.log(`  … and ${n(notShown)} more row errors`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error('import failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
