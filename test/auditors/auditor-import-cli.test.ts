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

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli('scripts/auditors-import.ts', args, env);

test(
  'when an admin token is in CERTWATCH_TOKEN, then the register is imported and refused rows are printed with their reasons',
  async () => {
    const run = await cli([file, '--url', portal.baseUrl], { CERTWATCH_TOKEN: admin });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('created 1, updated 0, unchanged 0, refused 1');
    expect(run.stdout).toContain('row 3 validFrom AUDITOR_ROW_INVALID_DATE: 有效期起“2024-13-01”不是日期');
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
    const run = await cli([file, '--url', portal.baseUrl], { CERTWATCH_TOKEN: inspector });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('HTTP 403 FORBIDDEN');
  },
  SLOW,
);
