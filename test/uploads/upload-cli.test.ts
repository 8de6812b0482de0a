/**
 * The upload CLI (scripts/upload.ts) against the real app listening on 127.0.0.1: the token comes from
 * CERTWATCH_TOKEN or --token-file, never from the command line. Each run is a TypeScript process (a few
 * seconds), hence the long per-test timeout; nothing here is timed.
 */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { Body } from '../../server/bodies/body-schema';
import { seedBody } from '../helpers/factories';
import { startE2eApp, type E2eApp } from '../helpers/e2e-app';
import { tempDir } from '../helpers/test-app';
import { toCsv, uploadRow, type UploadRow } from '../helpers/upload-files';
import { runCli } from '../helpers/cli';

const SLOW = 90_000;

let portal: E2eApp;
let body: Body;
let token: string;
let dir: string;
beforeAll(async () => {
  portal = await startE2eApp();
  body = await seedBody(portal.t.services, { approvedSchemes: ['QMS'] });
  token = await portal.t.tokenFor('body', body.code);
  dir = tempDir('certwatch-upload-cli-');
});
afterAll(async () => {
  await portal.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function csvFile(rows: UploadRow[]): string {
  const file = path.join(dir, `${rows[0]?.number ?? 'empty'}.csv`);
  fs.writeFileSync(file, toCsv(rows));
  return file;
}

const cli = (args: string[], env: Record<string, string> = {}) => runCli('scripts/upload.ts', args, env);

async function stored(number: string): Promise<unknown[]> {
  const res = await request(portal.t.app).get('/api/v1/certificates').query({ number, body: body.code });
  return res.body.items as unknown[];
}

test(
  'when the token is given with --token, then the CLI refuses it, says why, and sends nothing',
  async () => {
    const row = uploadRow();

    const result = await cli([csvFile([row]), '--url', portal.baseUrl, '--token', token]);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--token is refused: a token on the command line is echoed by npm/);
    expect(result.stderr).toContain('CERTWATCH_TOKEN');
    expect(result.stderr).toContain('--token-file');
    expect(result.stderr).toContain('--url');
    expect(result.stdout + result.stderr).not.toContain(token);
    expect(await stored(row.number as string)).toEqual([]);
  },
  SLOW,
);

test(
  'when the token is in CERTWATCH_TOKEN, then the file is uploaded to --url and stored',
  async () => {
    const row = uploadRow();

    const result = await cli([csvFile([row]), '--url', portal.baseUrl, '--mode', 'partial'], {
      CERTWATCH_TOKEN: token,
    });

    expect(result).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/Job \S+: succeeded \(partial\)/),
    });
    expect(await stored(row.number as string)).toHaveLength(1);
  },
  SLOW,
);

test(
  'when the token is in --token-file, then the file is uploaded and the token never printed',
  async () => {
    const row = uploadRow();
    const tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });

    const result = await cli([csvFile([row]), '--url', portal.baseUrl, '--token-file', tokenFile]);

    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/Job \S+: succeeded \(atomic\)/) });
    expect(result.stdout).not.toContain(token);
    expect(await stored(row.number as string)).toHaveLength(1);
  },
  SLOW,
);

test(
  'when no token is given at all, then the CLI stops with a usage error naming both ways to give one',
  async () => {
    const result = await cli([csvFile([uploadRow()]), '--url', portal.baseUrl]);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/No token: set CERTWATCH_TOKEN .* or give --token-file PATH/);
  },
  SLOW,
);

test(
  'when the system locale is Chinese, then the CLI and the job it reports speak Chinese; --lang en overrides it',
  async () => {
    const bad = uploadRow({ issueDate: '2025-02-30' });
    const file = csvFile([uploadRow(), bad]);

    const zh = await cli([file, '--url', portal.baseUrl, '--mode', 'partial'], {
      CERTWATCH_TOKEN: token,
      LANG: 'zh_CN.UTF-8',
    });

    expect(zh.code).toBe(0);
    expect(zh.stdout).toMatch(/正在上传 .*，任务 \S+/);
    expect(zh.stdout).toMatch(/任务 \S+：成功（部分模式）/);
    expect(zh.stdout).toContain('读取 2 行：新增 1，更新 0，未变 0，拒绝 1（见错误报告）；其他行已保存。');
    expect(zh.stdout).toMatch(/错误报告（1 条行错误）：\S+errors\.csv\?lang=zh/);
    expect(zh.stdout).not.toMatch(/\b(rows read|Job|error report|warning)\b/);

    const en = await cli([csvFile([uploadRow()]), '--url', portal.baseUrl, '--lang', 'en'], {
      CERTWATCH_TOKEN: token,
      LC_ALL: 'zh_CN.UTF-8',
    });
    expect(en).toMatchObject({ code: 0, stdout: expect.stringMatching(/Job \S+: succeeded \(atomic\)/) });
  },
  SLOW,
);

test(
  "when --lang names neither language, then a usage error in the locale's language",
  async () => {
    const result = await cli([csvFile([uploadRow()]), '--lang', 'fr'], { LANG: 'zh_CN.UTF-8' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--lang 只能是 zh 或 en。');

    const zh = await cli(['no-such-file.csv'], { LANG: 'zh_CN.UTF-8', CERTWATCH_TOKEN: token });
    expect(zh).toMatchObject({ code: 2, stderr: expect.stringContaining('找不到文件：no-such-file.csv') });
    expect(zh.stderr).toContain('用法：');
  },
  SLOW,
);
