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
 *   --lang        zh or en: what it prints, and the language of the refused rows' reasons (default: the
 *                 system locale, LC_ALL / LC_MESSAGES / LANG: zh_CN.UTF-8 is Chinese; else English)
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
import type { Lang } from '../server/platform/i18n';
import { cliLanguage } from './cli-lang';
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

const SYNOPSIS =
  'CERTWATCH_TOKEN=<admin token> npm run auditors:import -- FILE [--format csv|xlsx] ' +
  '[--url URL] [--token-file PATH] [--lang zh|en]';

/** What the tool prints, in Chinese and English (the rows' reasons come from the portal in both). */
const TEXTS: Record<
  Lang,
  {
    usage: string;
    badLang: string;
    tokenRefused: string;
    oneFile: string;
    noSuchFile: (file: string) => string;
    unknownFormat: (file: string) => string;
    cannotReadTokenFile: (file: string, why: string) => string;
    tokenFileEmpty: (file: string) => string;
    noToken: string;
    badUrl: (url: string) => string;
    importing: (file: string, size: string, format: string, origin: string) => string;
    sent: (sent: string, total: string, done: boolean) => string;
    refused: (status: number, code: string, detail: string) => string;
    result: (id: string, state: string) => string;
    counts: (c: Record<keyof ImportAnswer['counts'], string>) => string;
    registerSize: (size: string) => string;
    rowError: (row: number, field: string, code: string, message: string) => string;
    more: (count: string) => string;
    failed: (why: string) => string;
  }
> = {
  zh: {
    usage: `用法：${SYNOPSIS}`,
    badLang: '--lang 只能是 zh 或 en。',
    tokenRefused:
      '不接受 --token：命令行中的令牌会被 npm 回显到终端和 CI 日志，也会被 `ps` 显示给本机所有用户。' +
      '请设置 CERTWATCH_TOKEN，或使用 --token-file PATH。',
    oneFile: '请给出且只给出一个要导入的名录文件。',
    noSuchFile: (file) => `文件不存在：${file}`,
    unknownFormat: (file) => `无法判断 ${file} 的格式：请使用 --format csv 或 xlsx。`,
    cannotReadTokenFile: (file, why) => `无法读取 --token-file ${file}：${why}`,
    tokenFileEmpty: (file) => `--token-file ${file} 是空的。`,
    noToken: '没有令牌：请把 CERTWATCH_TOKEN 设为管理员令牌，或使用 --token-file PATH。',
    badUrl: (url) => `--url 不是有效的网址：${url}`,
    importing: (file, size, format, origin) => `正在把审核员名录 ${file}（${size}，${format}）导入 ${origin}`,
    sent: (sent, total, done) => `已发送 ${sent} / ${total}${done ? '，平台正在导入…' : ''}`,
    refused: (status, code, detail) => `导入被拒绝：HTTP ${status} ${code}：${detail}`,
    result: (id, state) => `导入 ${id}：${state === 'completed' ? '已完成' : '已完成，部分行被拒绝'}`,
    counts: (c) =>
      `  共 ${c.rows} 行：新增 ${c.created}，更新 ${c.updated}，未变 ${c.unchanged}，拒绝 ${c.rejected}`,
    registerSize: (size) => `  名录现有 ${size} 条注册`,
    rowError: (row, field, code, message) => `  第 ${row} 行 ${field} ${code}：${message}`,
    more: (count) => `  …… 另有 ${count} 条行错误未列出`,
    failed: (why) => `导入失败：${why}`,
  },
  en: {
    usage: `Usage: ${SYNOPSIS}`,
    badLang: '--lang is zh or en.',
    tokenRefused:
      '--token is refused: a token on the command line is echoed by npm into terminals and CI logs and shown by `ps`. ' +
      'Set CERTWATCH_TOKEN, or give --token-file PATH.',
    oneFile: 'Give exactly one register file to import.',
    noSuchFile: (file) => `No such file: ${file}`,
    unknownFormat: (file) => `Cannot tell the format of ${file}: give --format csv or xlsx.`,
    cannotReadTokenFile: (file, why) => `Cannot read --token-file ${file}: ${why}`,
    tokenFileEmpty: (file) => `--token-file ${file} is empty.`,
    noToken: 'No token: set CERTWATCH_TOKEN to an admin token, or give --token-file PATH.',
    badUrl: (url) => `--url is not a URL: ${url}`,
    importing: (file, size, format, origin) =>
      `Importing the auditor register ${file} (${size}, ${format}) into ${origin}`,
    sent: (sent, total, done) => `sent ${sent} / ${total}${done ? ', the portal is importing…' : ''}`,
    refused: (status, code, detail) => `Import refused: HTTP ${status} ${code}: ${detail}`,
    result: (id, state) =>
      `Import ${id}: ${state === 'completed' ? 'completed' : 'completed, some rows refused'}`,
    counts: (c) =>
      `  rows ${c.rows}: created ${c.created}, updated ${c.updated}, unchanged ${c.unchanged}, refused ${c.rejected}`,
    registerSize: (size) => `  the register now holds ${size} registrations`,
    rowError: (row, field, code, message) => `  row ${row} ${field} ${code}: ${message}`,
    more: (count) => `  … and ${count} more row errors`,
    failed: (why) => `import failed: ${why}`,
  },
};

// A --lang naming neither language is refused below, in the locale's language.
const { lang, valid: langValid } = cliLanguage();
const T = TEXTS[lang];

function usage(message: string): never {
  console.error(`${message}\n\n${T.usage}`);
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
        lang: { type: 'string' },
      },
    });
  } catch (error) {
    usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.token !== undefined) {
    usage(T.tokenRefused);
  }
  if (!langValid) usage(T.badLang);
  const file = positionals[0];
  if (!file || positionals.length > 1) usage(T.oneFile);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) usage(T.noSuchFile(file));
  const format = values.format ?? path.extname(file).slice(1).toLowerCase();
  if (!CONTENT_TYPES[format]) usage(T.unknownFormat(file));
  let token: string | undefined;
  const tokenFile = values['token-file'];
  if (tokenFile !== undefined) {
    try {
      token = fs.readFileSync(tokenFile, 'utf8').trim();
    } catch (error) {
      usage(T.cannotReadTokenFile(tokenFile, (error as NodeJS.ErrnoException).code ?? String(error)));
    }
    if (!token) usage(T.tokenFileEmpty(tokenFile));
  } else {
    token = process.env.CERTWATCH_TOKEN?.trim();
    if (!token) usage(T.noToken);
  }
  let base: URL;
  try {
    base = new URL(values.url);
  } catch {
    usage(T.badUrl(values.url));
  }
  return { file, format, base, token, lang };
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
const n = (value: number) => value.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en');

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
  console.log(T.importing(o.file, mb(total), o.format, o.base.origin));
  const answer = await send(o, (sent) => {
    if (tty) process.stdout.write(`\r${T.sent(mb(sent), mb(total), sent >= total)}\x1b[K`);
  });
  if (tty) process.stdout.write('\n');
  if (answer.status !== 201) {
    const { code, detail } = answer.body;
    console.error(T.refused(answer.status, String(code ?? ''), String(detail ?? '')));
    process.exit(1);
  }
  const result = answer.body as unknown as ImportAnswer;
  const c = result.counts;
  console.log(T.result(result.id, result.state));
  console.log(
    T.counts({
      rows: n(c.rows),
      created: n(c.created),
      updated: n(c.updated),
      unchanged: n(c.unchanged),
      rejected: n(c.rejected),
    }),
  );
  console.log(T.registerSize(n(result.registerSize)));
  for (const e of result.errors.slice(0, PRINTED_ERRORS)) {
    console.log(T.rowError(e.row, e.field, e.code, e.message[o.lang]));
  }
  const notShown = result.errors.length - PRINTED_ERRORS + result.errorsLeftOut;
  if (notShown > 0) console.log(T.more(n(notShown)));
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(T.failed(error instanceof Error ? error.message : String(error)));
  process.exit(1);
});
