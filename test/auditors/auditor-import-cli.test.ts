/**
 * The register import CLI (scripts/auditors-import.ts) against the real app on 127.0.0.1: the token
 * comes from CERTWATCH_TOKEN or --token-file, never from the command line. Each run is a TypeScript
 * process (a few seconds), hence the long timeout; nothing here is timed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startE2eApp, type E2eApp } from '../helpers/e2e-app';
import { tempDir } from '../helpers/test-app';
import { runCli } from '../helpers/cli';

const SLOW = 90_000;

let portal: E2eApp;
let admin: string;
let dir: string;
let file: string;
beforeAll(async () => {
  portal = await startE2eApp();
  admin = await portal.t.tokenFor('admin');
  dir = tempDir('certwatch-auditors-cli-');
  file = path.join(dir, 'register.csv');
  fs.writeFileSync(
    file,
    [
      '姓名,注册号,注册级别,注册领域,有效期起,有效期至',
      '王芳,2023-N1QMS-2000001,审核员,QMS,2023-04-01,2026-03-31',
      '赵强,2024-N1EMS-3000002,高级审核员,EMS,2024-13-01,2027-12-31',
    ].join('\n'),
  );
});
afterAll(async () => {
  await portal.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Three English words in a row: what a Chinese message must not hold. */
const ENGLISH_SENTENCE = /\b[a-z]+ [a-z]+ [a-z]+\b/i;

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli('scripts/auditors-import.ts', args, env);

test(
  'when an admin token is in CERTWATCH_TOKEN and the locale is Chinese, then the register is imported and the counts and refused rows are printed in Chinese',
  async () => {
    const run = await cli([file, '--url', portal.baseUrl], {
      CERTWATCH_TOKEN: admin,
      LANG: 'zh_CN.UTF-8',
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('共 2 行：新增 1，更新 0，未变 0，拒绝 1');
    expect(run.stdout).toContain('第 3 行 validFrom AUDITOR_ROW_INVALID_DATE：有效期起“2024-13-01”不是日期');
    expect(run.stdout).not.toMatch(ENGLISH_SENTENCE);
    await expect(
      portal.t.stores.auditors.findByRegistrationNumbers(['2023-N1QMS-2000001']),
    ).resolves.toHaveLength(1);
  },
  SLOW,
);

test(
  'when the token comes from --token-file, then it is used; --token on the command line is refused',
  async () => {
    const tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, `${admin}\n`, { mode: 0o600 });
    const run = await cli([file, '--url', portal.baseUrl, '--token-file', tokenFile, '--lang', 'en']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('unchanged 1');
    expect(run.stdout).toContain('The valid from "2024-13-01" is not a date');
    const refused = await cli([file, '--url', portal.baseUrl, '--token', admin]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--token is refused');
    expect(refused.stdout + refused.stderr).not.toContain(admin);
  },
  SLOW,
);

test(
  "when the token is not an admin's, then the import is refused with the problem and exit status 1",
  async () => {
    const inspector = await portal.t.tokenFor('inspector');
    const run = await cli([file, '--url', portal.baseUrl, '--lang', 'zh'], { CERTWATCH_TOKEN: inspector });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('导入被拒绝：HTTP 403 FORBIDDEN：');
    expect(run.stderr).not.toMatch(ENGLISH_SENTENCE);
  },
  SLOW,
);
