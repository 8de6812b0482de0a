/**
 * What the upload CLI (scripts/upload.ts) prints, in Chinese and English. The CLI picks the language
 * with scripts/cli-lang.ts: `--lang`, else the system locale, else English.
 */
import type { Lang } from '../platform/i18n';

export interface CliTexts {
  usage: string;
  badLang: string;
  cannotReadTokenFile: (file: string, why: string) => string;
  tokenFileEmpty: (file: string) => string;
  noToken: string;
  tokenRefused: string;
  oneFile: string;
  noSuchFile: (file: string) => string;
  badMode: string;
  unknownFormat: (file: string) => string;
  badUrl: (url: string) => string;
  uploading: (
    file: string,
    size: string,
    format: string,
    mode: string,
    origin: string,
    job: string,
  ) => string;
  progress: (read: string, total: string, sent: string) => string;
  rows: (read: string, ok: string, rejected: string, stored: string) => string;
  refused: (status: number, code: string, detail: string) => string;
  job: (id: string, state: string, mode: string) => string;
  counts: (
    p: Record<'rowsRead' | 'accepted' | 'created' | 'updated' | 'unchanged' | 'rejected', string>,
  ) => string;
  warning: (code: string, message: string) => string;
  errorReport: (count: string, capped: boolean, url: string) => string;
  httpStatus: (status: number, code: string) => string;
  reportNotFetched: (status: number) => string;
  reportSaved: (file: string) => string;
  failed: (message: string) => string;
  states: Record<string, string>;
  modes: Record<string, string>;
}

const CURL = (url: string) => `curl -H "Authorization: Bearer $CERTWATCH_TOKEN" -o errors.csv '${url}'`;

export const CLI_TEXTS: Record<Lang, CliTexts> = {
  zh: {
    usage:
      '用法：CERTWATCH_TOKEN=<机构令牌> npm run upload -- 文件 [--mode atomic|partial] ' +
      '[--format csv|xlsx|ndjson] [--url 网址] [--token-file 路径] [--errors 路径] [--lang zh|en]\n' +
      '  --url         门户地址，如 https://verify.example.gov.cn（默认取 $CERTWATCH_URL，否则 http://localhost:3000）\n' +
      '  --token-file  存放令牌的文件，可代替 CERTWATCH_TOKEN\n' +
      '  --lang        输出语言：zh 或 en（默认按系统语言环境）',
    badLang: '--lang 只能是 zh 或 en。',
    cannotReadTokenFile: (file, why) => `无法读取 --token-file ${file}：${why}`,
    tokenFileEmpty: (file) => `--token-file ${file} 是空的。`,
    noToken: '没有令牌：请把机构令牌放在 CERTWATCH_TOKEN 中，或用 --token-file 路径 指定。',
    tokenRefused:
      '不接受 --token：命令行中的令牌会被 npm 回显到终端和 CI 日志，也会被 `ps` 看到。请设置 CERTWATCH_TOKEN，或使用 --token-file 路径。',
    oneFile: '请指定且只指定一个要上传的文件。',
    noSuchFile: (file) => `找不到文件：${file}`,
    badMode: '--mode 只能是 atomic 或 partial。',
    unknownFormat: (file) => `无法判断 ${file} 的格式：请用 --format csv、xlsx 或 ndjson 指定。`,
    badUrl: (url) => `--url 不是有效的网址：${url}`,
    uploading: (file, size, format, mode, origin, job) =>
      `正在上传 ${file}（${size}，${format}，${mode}）到 ${origin}，任务 ${job}`,
    progress: (read, total, sent) => `已读取 ${read} / ${total}，已发送 ${sent}`,
    rows: (read, ok, rejected, stored) => `；行 ${read}（通过 ${ok}，拒绝 ${rejected}；已保存 ${stored}）`,
    refused: (status, code, detail) => `上传被拒绝：HTTP ${status} ${code}：${detail}`,
    job: (id, state, mode) => `任务 ${id}：${state}（${mode}）`,
    counts: (p) =>
      `  读取 ${p.rowsRead} 行：通过 ${p.accepted}（新增 ${p.created}，更新 ${p.updated}，未变 ${p.unchanged}），拒绝 ${p.rejected}`,
    warning: (code, message) => `  提示 ${code}：${message}`,
    errorReport: (count, capped, url) =>
      `  错误报告（${count} 条行错误${capped ? '，已达保存上限' : ''}）：${url}\n    ${CURL(url)}`,
    httpStatus: (status, code) => `  HTTP ${status} ${code}`,
    reportNotFetched: (status) => `  无法下载错误报告：HTTP ${status}`,
    reportSaved: (file) => `  错误报告已保存到 ${file}`,
    failed: (message) => `上传失败：${message}`,
    states: {
      running: '进行中',
      succeeded: '成功',
      rejected: '已拒绝',
      failed: '失败',
      interrupted: '已中断',
    },
    modes: { atomic: '整体模式', partial: '部分模式' },
  },
  en: {
    usage:
      'Usage: CERTWATCH_TOKEN=<body token> npm run upload -- FILE [--mode atomic|partial] ' +
      '[--format csv|xlsx|ndjson] [--url URL] [--token-file PATH] [--errors PATH] [--lang zh|en]\n' +
      '  --url         the portal, e.g. https://verify.example.gov.cn (default $CERTWATCH_URL, else http://localhost:3000)\n' +
      '  --token-file  a file holding the token, instead of CERTWATCH_TOKEN\n' +
      '  --lang        the language of what is printed: zh or en (default: the system locale)',
    badLang: '--lang is zh or en.',
    cannotReadTokenFile: (file, why) => `Cannot read --token-file ${file}: ${why}`,
    tokenFileEmpty: (file) => `--token-file ${file} is empty.`,
    noToken: 'No token: set CERTWATCH_TOKEN to a body token, or give --token-file PATH.',
    tokenRefused:
      '--token is refused: a token on the command line is echoed by npm into terminals and CI logs and shown by `ps`. ' +
      'Set CERTWATCH_TOKEN, or give --token-file PATH.',
    oneFile: 'Give exactly one file to upload.',
    noSuchFile: (file) => `No such file: ${file}`,
    badMode: '--mode is atomic or partial.',
    unknownFormat: (file) => `Cannot tell the format of ${file}: give --format csv, xlsx or ndjson.`,
    badUrl: (url) => `--url is not a URL: ${url}`,
    uploading: (file, size, format, mode, origin, job) =>
      `Uploading ${file} (${size}, ${format}, ${mode}) to ${origin} as job ${job}`,
    progress: (read, total, sent) => `read ${read} / ${total}, sent ${sent}`,
    rows: (read, ok, rejected, stored) => ` rows ${read} (ok ${ok}, rejected ${rejected}; stored ${stored})`,
    refused: (status, code, detail) => `Upload refused: HTTP ${status} ${code}: ${detail}`,
    job: (id, state, mode) => `Job ${id}: ${state} (${mode})`,
    counts: (p) =>
      `  rows read ${p.rowsRead}: accepted ${p.accepted} (created ${p.created}, updated ${p.updated}, ` +
      `unchanged ${p.unchanged}), rejected ${p.rejected}`,
    warning: (code, message) => `  warning ${code}: ${message}`,
    errorReport: (count, capped, url) =>
      `  error report (${count} row errors${capped ? ', capped' : ''}): ${url}\n    ${CURL(url)}`,
    httpStatus: (status, code) => `  HTTP ${status} ${code}`,
    reportNotFetched: (status) => `  could not fetch the error report: HTTP ${status}`,
    reportSaved: (file) => `  error report saved to ${file}`,
    failed: (message) => `upload failed: ${message}`,
    states: {},
    modes: {},
  },
};
