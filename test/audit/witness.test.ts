/**
 * The witness CLI (scripts/witness.ts) and verify-audit's saved-checkpoint check, as their own processes,
 * against the real portal listening on a port, with the registry file edited by hand the way someone with
 * write access to the database would: the tail cut off, or history rewritten with every hash redone.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { entryHash, type Actor } from '../../server/audit/audit-schema';
import { TSX_ARGS } from '../helpers/cli';
import { createTestApp, tempDir, type TestApp } from '../helpers/test-app';

const ROOT = path.resolve(__dirname, '../..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(script: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...TSX_ARGS, script, ...args],
      { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent', ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

async function record(t: TestApp, n: number): Promise<void> {
  for (let i = 0; i < n; i += 1) {
    await t.services.audit.record(
      { type: 'token', id: 'tok_inspector_01', role: 'inspector' },
      'dishonesty.record',
      { type: 'dishonesty', id: `D-${i}` },
      { holder: '91500106MA5U7GWX1K', reason: '伪造认证证书', i },
    );
  }
}

function tamper(t: TestApp, edit: (db: Database.Database) => void): void {
  const db = new Database(path.join(t.dataDir, 'registry.sqlite'));
  try {
    edit(db);
  } finally {
    db.close();
  }
}

/** Rewrites entry `seq` (its actor) and redoes every hash after it: the chain alone then verifies. */
function rewriteFrom(db: Database.Database, seq: number): void {
  const rows = db.prepare('SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq').all(seq) as {
    seq: number;
    at: string;
    actor: string;
    action: string;
    target_type: string;
    target_id: string;
    digest: string;
    prev_hash: string;
  }[];
  let prevHash = rows[0]?.prev_hash as string;
  for (const row of rows) {
    const actor = (row.seq === seq ? { type: 'system', id: 'system' } : JSON.parse(row.actor)) as Actor;
    const unhashed = {
      seq: row.seq,
      at: row.at,
      actor,
      action: row.action,
      target: { type: row.target_type, id: row.target_id },
      digest: row.digest,
      prevHash,
    };
    const hash = entryHash(unhashed);
    db.prepare('UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(
      JSON.stringify(actor),
      prevHash,
      hash,
      row.seq,
    );
    prevHash = hash;
  }
  // And the tree: the portal rebuilds it from the rewritten entries.
  db.exec('DELETE FROM audit_tree');
}

describe('witness and verify-audit against a portal whose database is edited', () => {
  let t: TestApp;
  let server: Server;
  let url: string;
  let dir: string;
  let state: string;
  const witness = (...extra: string[]) =>
    run('scripts/witness.ts', ['--url', url, '--state', state, ...extra]);
  const verify = (...extra: string[]) =>
    run('scripts/verify-audit.ts', extra, { STORE: 'sqlite', DATA_DIR: t.dataDir });

  beforeEach(async () => {
    t = createTestApp();
    server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = tempDir('certwatch-witness-');
    state = path.join(dir, 'state.json');
    await record(t, 9);
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('when the log grows honestly, then the witness passes each time and cosigns, and verify-audit passes with its state', async () => {
    const first = await witness();
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toContain('first run: trusting the log keys');
    expect(first.stdout).toContain('at 9 entries');
    await record(t, 7);
    const second = await witness();
    expect(second).toMatchObject({ code: 0 });
    expect(second.stdout).toContain('grew from 9 to 16 entries, consistently');

    // With a key the admin registered, the witness cosigns and the portal counts it.
    const keyFile = path.join(dir, 'witness.key');
    const made = await run('scripts/witness.ts', ['--new-key', keyFile, '--name', 'fgw.example/w1']);
    expect(made).toMatchObject({ code: 0 });
    const vkey = made.stdout.trim().split('\n').pop() as string;
    const admin = await t.tokenFor('admin');
    const reg = await request(t.app)
      .post('/api/v1/audit/witnesses')
      .set('Authorization', `Bearer ${admin}`)
      .send({ vkey, label: '区发展改革委' });
    expect(reg.status).toBe(201);
    const third = await witness('--key', keyFile);
    expect(third).toMatchObject({ code: 0 });
    expect(third.stdout).toContain('seen by 1 witnesses');
    expect((await request(t.app).get('/api/v1/audit/witnesses')).body).toMatchObject({ seenBy: 1 });

    const checked = await verify('--checkpoint', state);
    expect(checked).toMatchObject({ code: 0 });
    expect(checked.stdout).toMatch(
      /checkpoint of size 18 \(signed by .*\/audit-log\+[0-9a-f]{8}\): the log still starts with it/,
    );
    expect(checked.stdout).toContain('OK: the chain is intact.');
  }, 240_000);

  test('when the tail of the log is cut, then the witness reports a rollback and verify-audit a truncation', async () => {
    expect(await witness()).toMatchObject({ code: 0 });
    const saved = fs.readFileSync(state, 'utf8');
    tamper(t, (db) => db.exec('DELETE FROM audit_log WHERE seq > 6'));
    // The chain alone still checks out: this is what a saved checkpoint is for.
    const plain = await verify();
    expect(plain).toMatchObject({ code: 0 });
    const cut = await witness();
    expect(cut).toMatchObject({ code: 1 });
    expect(cut.stdout).toContain('FAILED: ROLLBACK: the log shrank from 9 to 6 entries');
    // The state is kept as it was; the checkpoint that failed is kept as evidence.
    expect(fs.readFileSync(state, 'utf8')).toBe(saved);
    expect(fs.readdirSync(dir).some((f) => f.startsWith('state.json.evidence-'))).toBe(true);
    const checked = await verify('--checkpoint', state);
    expect(checked).toMatchObject({ code: 1 });
    expect(checked.stdout).toContain('TRUNCATED: the saved checkpoint (size 9');

    // Growing past the old size again does not hide the cut: the new tree does not extend the old one.
    await record(t, 5);
    const regrown = await witness();
    expect(regrown).toMatchObject({ code: 1 });
    expect(regrown.stdout).toContain(
      'FAILED: INCONSISTENT: the log of 11 entries does not extend the log of 9',
    );
  }, 240_000);

  test('when history is rewritten with every hash redone, then the witness and verify-audit name the inconsistency', async () => {
    expect(await witness()).toMatchObject({ code: 0 });
    tamper(t, (db) => rewriteFrom(db, 3));
    await record(t, 2);
    const plain = await verify();
    expect(plain).toMatchObject({ code: 0 });
    expect(plain.stdout).toContain('OK: the chain is intact.');
    const rewritten = await witness();
    expect(rewritten).toMatchObject({ code: 1 });
    expect(rewritten.stdout).toContain(
      'FAILED: INCONSISTENT: the log of 11 entries does not extend the log of 9',
    );
    const checked = await verify('--checkpoint', state);
    expect(checked).toMatchObject({ code: 1 });
    expect(checked.stdout).toContain("REWRITTEN: at size 9 the log's root is");
    expect(checked.stdout).not.toContain('OK:');
  }, 240_000);

  test('when the same size comes back with another root, then the witness reports a rewrite', async () => {
    expect(await witness()).toMatchObject({ code: 0 });
    tamper(t, (db) => rewriteFrom(db, 9));
    const res = await witness();
    expect(res).toMatchObject({ code: 1 });
    expect(res.stdout).toContain('FAILED: REWRITTEN: at the same size 9');
  }, 180_000);

  test('when the checkpoint is signed by a key the witness does not trust, then it fails naming the signature', async () => {
    const other = createTestApp();
    try {
      const foreignKey = (await request(other.app).get('/api/v1/audit/log-key')).text.trim();
      const res = await witness('--log-key', foreignKey);
      expect(res).toMatchObject({ code: 1 });
      expect(res.stdout).toContain(
        'FAILED: SIGNATURE: the checkpoint is not signed by a log key this witness trusts',
      );
      expect(fs.existsSync(state)).toBe(false);
    } finally {
      await other.close();
    }
  }, 180_000);

  test('when the witness is called wrongly, then it exits 2 with a usage message', async () => {
    const res = await run('scripts/witness.ts', ['--url', url]);
    expect(res).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('usage: witness --url URL --state FILE'),
    });
    const bad = await run('scripts/witness.ts', ['--url', 'ftp://x', '--state', state]);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('--url must start with http') });
  }, 120_000);
});
