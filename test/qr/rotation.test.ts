import { spawn } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { signedFieldsOf } from '../../server/qr/qr-service';
import { keyDirOf, listKeyDir } from '../../server/qr/signing-keys';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { seedBody, seedCertificates, unique } from '../helpers/factories';
import { runCli, TSX_ARGS } from '../helpers/cli';
import { privateKeyOf, signedLink } from './qr-test-helpers';

const ORIGIN = 'https://certwatch.example.gov.cn';
const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

let t: TestApp;
let certs: Certificate[];

beforeAll(async () => {
  t = createTestApp({ env: { PUBLIC_BASE_URL: ORIGIN } });
  const { code } = await seedBody(t.services, { code: unique('RB').slice(0, 20) });
  certs = await seedCertificates(
    t.services,
    Array.from({ length: 20 }, () => ({ bodyCode: code })),
  );
});
afterAll(async () => {
  await t.close();
});

/** Runs scripts/rotate-key.ts against the test app's DATA_DIR, as an operator would; resolves with its output. */
function rotateByScript(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const { QR_SIGNING_KEYS: _keysFromEnv, ...env } = process.env;
    const proc = spawn(process.execPath, [...TSX_ARGS, 'scripts/rotate-key.ts', '--data-dir', t.dataDir], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    proc.stdout.on('data', (c: Buffer) => (output += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (output += c.toString()));
    proc.once('error', reject);
    proc.once('exit', (code) => resolve({ code, output }));
  });
}

const scan = (text: string) => request(t.app).post('/api/v1/scan').send({ text });

test('when the key is rotated by the script while scans are in flight, then every scan verifies, before and after', async () => {
  const oldUrls = certs.map((c) => t.services.qr.signedUrl(c).url);
  const [oldKey] = listKeyDir(keyDirOf(t.dataDir));

  const answers: { status: number; verdict: string }[] = [];
  const fire = async (urls: string[]) => {
    const results = await Promise.all(urls.map((u) => scan(u)));
    for (const r of results) answers.push({ status: r.status, verdict: r.body.verdict as string });
  };

  // Waves of concurrent scans for as long as the script runs (it starts a Node process: about a second).
  let rotating = true;
  const script = rotateByScript().finally(() => {
    rotating = false;
  });
  let wavesDuringRotation = 0;
  while (rotating) {
    await fire(oldUrls);
    wavesDuringRotation += 1;
  }
  const { code, output } = await script;
  expect({ code, output }).toMatchObject({ code: 0, output: expect.stringContaining('new active key') });

  const [newKey, retired] = listKeyDir(keyDirOf(t.dataDir));
  expect(newKey?.state).toBe('active');
  expect(retired).toMatchObject({ kid: oldKey?.kid, state: 'retired' });
  // Codes a second instance prints with the new key, before this instance has looked at the key directory,
  // scanned together with the old ones.
  const newUrls = certs.map((c) =>
    signedLink(ORIGIN, c.publicId, signedFieldsOf(c), privateKeyOf(t.dataDir, newKey?.kid as string)),
  );
  await Promise.all([fire(newUrls), fire(oldUrls), fire(newUrls)]);
  // And the codes this instance prints from now on.
  const printedNow = certs.map((c) => t.services.qr.signedUrl(c).url);
  expect(printedNow[0]).toContain(`#1.${newKey?.kid}.`);
  await fire(printedNow);

  expect(wavesDuringRotation).toBeGreaterThan(0);
  expect(answers.length).toBe(certs.length * (wavesDuringRotation + 4));
  expect(answers.filter((a) => a.status !== 200 || a.verdict !== 'GENUINE_VALID')).toEqual([]);
}, 180_000);

test('when the audit log key is rotated by the script in a Chinese locale, then it answers in Chinese, the verifier key as in English', async () => {
  const { code, stdout, stderr } = await runCli('scripts/rotate-log-key.ts', ['--data-dir', t.dataDir], {
    LANG: 'zh_CN.UTF-8',
    PUBLIC_BASE_URL: ORIGIN,
  });

  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  const lines = stdout.trimEnd().split('\n');
  expect(lines).toEqual([
    expect.stringMatching(/^新的审计日志密钥 [A-Za-z0-9_-]{11} 从现在起签名；已退役：/),
    expect.stringMatching(
      /^它的验证密钥（交给每个见证方）：certwatch\.example\.gov\.cn\/audit-log\+[0-9a-f]{8}\+\S+$/,
    ),
    expect.stringMatching(/^指纹：[0-9a-f]{16}$/),
  ]);
  expect(stdout).not.toMatch(/audit log key|verifier key|fingerprint|retired/);
}, 180_000);
