/**
 * Uploads a file of certificate reports to CertWatch, with a progress bar, and prints the job's summary.
 *
 *   CERTWATCH_TOKEN=cw.… npm run upload -- FILE [--mode atomic|partial] [--format csv|xlsx|ndjson]
 *                                            [--url URL] [--token-file PATH] [--errors PATH] [--lang zh|en]
 *
 *   FILE          a .csv (UTF-8 or GBK), .xlsx or .ndjson file in the upload template's columns
 *   --mode        atomic (default): nothing is stored unless every row is valid; partial: valid rows are stored
 *   --format      when the file name does not say it
 *   --url         the portal's origin, e.g. https://verify.example.gov.cn (default $CERTWATCH_URL, else
 *                 http://localhost:3000)
 *   --token-file  a file holding the body token (else $CERTWATCH_TOKEN)
 *   --errors      where to save the error report (CSV) when some rows were rejected
 *   --lang        zh or en: what it prints, and the language of the server's summary and error report
 *                 (default: the system locale, LC_ALL / LC_MESSAGES / LANG: zh_CN.UTF-8 is Chinese)
 *
 * The token is never taken from the command line: npm echoes command lines into terminals and CI logs,
 * and `ps` shows them to every user of the machine. `--token` is refused with a message saying so.
 *
 * The file is streamed, never read whole. The script picks the job id itself (128 random bits, sent as
 * `Upload-Job-Id`), so it can poll GET /api/v1/uploads/:jobId while it sends and show how far the server
 * has read and checked the file, not only how much has been sent.
 *
 * Exit status: 0 when the upload succeeded (rows may still have been rejected in partial mode: see the
 * summary), 1 when it was rejected or failed, 2 for a usage error.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { postFile } from './post-file';
import { CLI_TEXTS } from '../server/uploads/upload-cli-texts';
import { cliLanguage } from './cli-lang';

interface Progress {
  bytes: number;
  rowsRead: number;
  accepted: number;
  rejected: number;
  created: number;
  updated: number;
  unchanged: number;
}

interface Job {
  id: string;
  state: string;
  mode: string;
  progress: Progress;
  summary?: string;
  warnings: { code: string; message: string }[];
  errorsStored: number;
  errorsCapped: boolean;
  failure?: { code: string; message: string };
}

const CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ndjson: 'application/x-ndjson',
};
const POLL_MS = 500;

// A --lang naming neither language is refused below, in the locale's language.
const { lang, valid: langValid } = cliLanguage();
const T = CLI_TEXTS[lang];
const stateOf = (state: string) => T.states[state] ?? state;
const modeOf = (mode: string) => T.modes[mode] ?? mode;

function usage(message: string): never {
  console.error(`${message}\n\n${T.usage}`);
  process.exit(2);
}

function parseCommandLine() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        mode: { type: 'string', default: 'atomic' },
        format: { type: 'string' },
        url: { type: 'string', default: process.env.CERTWATCH_URL ?? 'http://localhost:3000' },
        // Declared only to refuse it with a reason (see below).
        token: { type: 'string' },
        'token-file': { type: 'string' },
        errors: { type: 'string' },
        lang: { type: 'string' },
      },
    });
  } catch (error) {
    usage((error as Error).message);
  }
}

/** The token from --token-file, else CERTWATCH_TOKEN; never from the command line. */
function readToken(tokenFile: string | undefined): string {
  if (tokenFile !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(tokenFile, 'utf8');
    } catch (error) {
      usage(T.cannotReadTokenFile(tokenFile, (error as NodeJS.ErrnoException).code ?? String(error)));
    }
    const token = text.trim();
    if (!token) usage(T.tokenFileEmpty(tokenFile));
    return token;
  }
  const token = process.env.CERTWATCH_TOKEN?.trim();
  if (!token) usage(T.noToken);
  return token;
}

function options() {
  const { values, positionals } = parseCommandLine();
  if (values.token !== undefined) usage(T.tokenRefused);
  if (!langValid) usage(T.badLang);
  const file = positionals[0];
  if (!file || positionals.length > 1) usage(T.oneFile);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) usage(T.noSuchFile(file));
  if (values.mode !== 'atomic' && values.mode !== 'partial') usage(T.badMode);
  const format = values.format ?? path.extname(file).slice(1).toLowerCase().replace('jsonl', 'ndjson');
  if (!CONTENT_TYPES[format]) usage(T.unknownFormat(file));
  const token = readToken(values['token-file']);
  let base: URL;
  try {
    base = new URL(values.url);
  } catch {
    usage(T.badUrl(values.url));
  }
  return { file, format, mode: values.mode, base, token, errors: values.errors };
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
const n = (value: number) => value.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en');

/** One line of progress: a bar of what the server has read, then rows and outcomes. */
function progressLine(sent: number, total: number, job: Job | undefined): string {
  const read = job?.progress.bytes ?? 0;
  const share = total === 0 ? 1 : Math.min(1, read / total);
  const width = 24;
  const filled = Math.round(share * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  const p = job?.progress;
  const rows = p
    ? T.rows(n(p.rowsRead), n(p.accepted), n(p.rejected), n(p.created + p.updated + p.unchanged))
    : '';
  return `${bar} ${(share * 100).toFixed(0).padStart(3)}% ${T.progress(mb(read), mb(total), mb(sent))}${rows}`;
}

async function fetchJob(base: URL, token: string, id: string): Promise<Job | undefined> {
  try {
    const res = await fetch(new URL(`/api/v1/uploads/${id}?lang=${lang}`, base), {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!res.ok) {
      await res.arrayBuffer();
      return undefined;
    }
    return (await res.json()) as Job;
  } catch {
    return undefined;
  }
}

/** Streams the file to POST /api/v1/uploads; resolves with the status and the parsed answer. */
function send(
  o: ReturnType<typeof options>,
  jobId: string,
  onSent: (bytes: number) => void,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = new URL('/api/v1/uploads', o.base);
  url.searchParams.set('mode', o.mode);
  url.searchParams.set('format', o.format);
  url.searchParams.set('fileName', path.basename(o.file));
  url.searchParams.set('lang', lang);
  const headers = {
    Authorization: `Bearer ${o.token}`,
    'Content-Type': CONTENT_TYPES[o.format] as string,
    'Upload-Job-Id': jobId,
  };
  return postFile(url, o.file, headers, onSent);
}

function printSummary(job: Job, base: URL): void {
  const p = job.progress;
  console.log(`\n${T.job(job.id, stateOf(job.state), modeOf(job.mode))}`);
  console.log(
    T.counts({
      rowsRead: n(p.rowsRead),
      accepted: n(p.accepted),
      created: n(p.created),
      updated: n(p.updated),
      unchanged: n(p.unchanged),
      rejected: n(p.rejected),
    }),
  );
  if (job.summary) console.log(`  ${job.summary}`);
  if (job.failure) console.log(`  ${job.failure.code}${lang === 'zh' ? '：' : ': '}${job.failure.message}`);
  for (const w of job.warnings) console.log(T.warning(w.code, w.message));
  if (job.errorsStored > 0) {
    const report = new URL(`/api/v1/uploads/${job.id}/errors.csv?lang=${lang}`, base);
    console.log(T.errorReport(n(job.errorsStored), job.errorsCapped, report.href));
  }
}

async function saveErrors(base: URL, token: string, job: Job, target: string): Promise<void> {
  const res = await fetch(new URL(`/api/v1/uploads/${job.id}/errors.csv?lang=${lang}`, base), {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (!res.ok) {
    console.error(T.reportNotFetched(res.status));
    return;
  }
  fs.writeFileSync(target, Buffer.from(await res.arrayBuffer()));
  console.log(T.reportSaved(target));
}

async function main() {
  const o = options();
  const jobId = randomBytes(16).toString('base64url');
  const total = fs.statSync(o.file).size;
  const tty = process.stdout.isTTY === true;
  let sent = 0;
  let job: Job | undefined;
  let lastLine = 0;
  const draw = () => {
    const line = progressLine(sent, total, job);
    if (tty) process.stdout.write(`\r${line}\x1b[K`);
    else if (Date.now() - lastLine >= 5000) {
      lastLine = Date.now();
      console.log(line);
    }
  };
  console.log(T.uploading(o.file, mb(total), o.format, modeOf(o.mode), o.base.origin, jobId));
  let done = false;
  const poller = (async () => {
    while (!done) {
      job = (await fetchJob(o.base, o.token, jobId)) ?? job;
      draw();
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  })();
  const answer = await send(o, jobId, (bytes) => {
    sent = bytes;
  }).finally(() => {
    done = true;
  });
  await poller;
  const body = answer.body;
  const finished =
    (body.job as Job | undefined) ?? (typeof body.state === 'string' ? (body as unknown as Job) : undefined);
  if (finished) job = finished;
  draw();
  if (tty) process.stdout.write('\n');

  if (!finished) {
    console.error(`\n${T.refused(answer.status, String(body.code ?? ''), String(body.detail ?? ''))}`);
    process.exit(1);
  }
  printSummary(finished, o.base);
  if (answer.status >= 400) console.log(T.httpStatus(answer.status, String(body.code ?? '')));
  if (o.errors && finished.errorsStored > 0) await saveErrors(o.base, o.token, finished, o.errors);
  process.exit(finished.state === 'succeeded' ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(T.failed(error instanceof Error ? error.message : String(error)));
  process.exit(1);
});
