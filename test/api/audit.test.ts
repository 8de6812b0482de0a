import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { entryHash, GENESIS_HASH, SYSTEM_ACTOR, type AuditEntry } from '../../server/audit/audit-schema';
import { seedBody } from '../helpers/factories';
import { TSX_ARGS } from '../helpers/cli';
import { createTestApp, tempDir, type TestApp } from '../helpers/test-app';

const ROOT = path.resolve(__dirname, '../..');
const HASH = /^[0-9a-f]{64}$/;

/** Three English words in a row: what a Chinese message must not hold. */
const ENGLISH_SENTENCE = /\b[a-z]+ [a-z]+ [a-z]+\b/i;

/**
 * Runs scripts/verify-audit.ts against `dataDir` as its own process, in an English locale unless `--lang`
 * says otherwise; never rejects.
 */
function verifyAudit(
  dataDir: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...TSX_ARGS, 'scripts/verify-audit.ts', ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          ...{ STORE: 'sqlite', DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
          ...{ LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '' },
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Records `n` entries about a few targets through the audit service, as writes do. */
async function recordEntries(t: TestApp, n: number): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for (let i = 1; i <= n; i += 1) {
    out.push(
      await t.services.audit.record(
        { type: 'token', id: 'tok_body_000001', role: 'body', bodyCode: 'CQC' },
        i % 2 ? 'certificate.status' : 'upload.finish',
        { type: i % 2 ? 'certificate' : 'upload', id: `T-${i % 3}` },
        { i, status: { from: 'valid', to: 'suspended' }, reason: '监督审核未通过' },
      ),
    );
  }
  return out;
}

/** A separate connection on the app's registry file: what someone editing the database by hand would use. */
function tamper(t: TestApp, edit: (db: Database.Database) => void): void {
  const db = new Database(path.join(t.dataDir, 'registry.sqlite'));
  try {
    edit(db);
  } finally {
    db.close();
  }
}

describe('GET /api/v1/audit/head', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp();
  });
  afterEach(() => t.close());

  test('when the log is empty, then the head is seq 0 and the genesis hash, not cached', async () => {
    const res = await request(t.app).get('/api/v1/audit/head');
    expect(res).toMatchObject({ status: 200, body: { seq: 0, hash: GENESIS_HASH } });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  test('when entries are recorded, then the public head is the last entry, with no token needed', async () => {
    const recorded = await recordEntries(t, 7);
    const last = recorded[6] as AuditEntry;
    const res = await request(t.app).get('/api/v1/audit/head');
    expect(res).toMatchObject({ status: 200, body: { seq: 7, hash: last.hash, at: last.at } });
    expect(res.body.hash).toMatch(HASH);
    await expect(t.services.audit.head()).resolves.toEqual(res.body);
  });

  test('when the head is asked for with a query, then 400 INVALID_QUERY', async () => {
    const res = await request(t.app).get('/api/v1/audit/head?seq=1');
    expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_QUERY' } });
  });

  test('when the OpenAPI document is fetched, then both audit routes are in it, entries with their roles', async () => {
    const res = await request(t.app).get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.paths['/api/v1/audit/head'].get).toMatchObject({
      responses: { 200: expect.any(Object) },
    });
    expect(res.body.paths['/api/v1/audit/head'].get.security).toBeUndefined();
    expect(res.body.paths['/api/v1/audit/entries'].get).toMatchObject({ 'x-roles': ['admin', 'inspector'] });
    const headSchema =
      res.body.paths['/api/v1/audit/head'].get.responses[200].content['application/json'].schema;
    expect(headSchema).toMatchObject({
      $ref: '#/$defs/AuditHead',
      $defs: { AuditHead: { required: ['seq', 'hash'] } },
    });
  });
});

describe('GET /api/v1/audit/entries', () => {
  let t: TestApp;
  let admin: string;
  let inspector: string;
  let partner: string;
  let bodyToken: string;
  beforeAll(async () => {
    t = createTestApp();
    const body = await seedBody(t.services);
    admin = await t.tokenFor('admin');
    inspector = await t.tokenFor('inspector');
    partner = await t.tokenFor('partner');
    bodyToken = await t.tokenFor('body', body.code);
    await recordEntries(t, 12);
  });
  afterAll(() => t.close());

  const url = '/api/v1/audit/entries?targetType=certificate&targetId=T-1&limit=3';

  test.each([
    ['admin', () => admin],
    ['inspector', () => inspector],
  ])(
    'when an %s asks, then the target’s entries come newest first, at most limit, with their changes',
    async (_r, token) => {
      const res = await request(t.app).get(url).set('Authorization', `Bearer ${token()}`);
      expect(res).toMatchObject({ status: 200, body: { items: expect.any(Array) } });
      const items = res.body.items as (AuditEntry & { change: { i: number } })[];
      // Certificate entries are the odd i; T-1 are i % 3 === 1: i = 1 and 7 of the twelve.
      expect(items.map((e) => e.change.i)).toEqual([7, 1]);
      expect(items[0]).toMatchObject({
        action: 'certificate.status',
        target: { type: 'certificate', id: 'T-1' },
        actor: { type: 'token', role: 'body', bodyCode: 'CQC' },
        hash: expect.stringMatching(HASH),
        prevHash: expect.stringMatching(HASH),
        digest: expect.stringMatching(HASH),
      });
      expect(items[0]!.seq).toBeGreaterThan(items[1]!.seq);
      expect(res.headers['cache-control']).toBe('no-store');
    },
  );

  test('when the limit is lower than the target’s entries, then only the newest come', async () => {
    const res = await request(t.app)
      .get('/api/v1/audit/entries?targetType=upload&targetId=T-2&limit=1')
      .set('Authorization', `Bearer ${admin}`);
    // Upload entries are the even i; T-2 are i % 3 === 2: i = 2 and 8; the newest is 8.
    expect(res).toMatchObject({ status: 200, body: { items: [{ change: { i: 8 } }] } });
  });

  test('when the token issues are asked for, then they were audited without secrets', async () => {
    const res = await request(t.app)
      .get('/api/v1/audit/entries?targetType=token&targetId=' + admin.split('.')[1])
      .set('Authorization', `Bearer ${inspector}`);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain(admin.split('.')[2]);
  });

  test('when no token is given, then 401 UNAUTHENTICATED', async () => {
    const res = await request(t.app).get(url);
    expect(res).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
  });

  test.each([
    ['body', () => bodyToken],
    ['partner', () => partner],
  ])('when a %s token asks, then 403 FORBIDDEN', async (_r, token) => {
    const res = await request(t.app).get(url).set('Authorization', `Bearer ${token()}`);
    expect(res).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
  });

  test.each([
    ['no target id', '?targetType=certificate'],
    ['no target type', '?targetId=T-1'],
    ['a limit of 0', '?targetType=certificate&targetId=T-1&limit=0'],
    ['a limit over 100', '?targetType=certificate&targetId=T-1&limit=101'],
    ['a limit that is not a number', '?targetType=certificate&targetId=T-1&limit=1e2'],
    ['an unknown parameter', '?targetType=certificate&targetId=T-1&from=1'],
    ['an operator object', '?targetType=certificate&targetId[$ne]=x'],
    ['a repeated parameter', '?targetType=certificate&targetId=a&targetId=b'],
    ['a target type with capitals', '?targetType=Certificate&targetId=T-1'],
    ['a control character', '?targetType=certificate&targetId=T%00-1'],
    ['an over-long id', `?targetType=certificate&targetId=${'x'.repeat(129)}`],
  ])('when the query has %s, then 400 INVALID_QUERY', async (_what, query) => {
    const res = await request(t.app)
      .get(`/api/v1/audit/entries${query}`)
      .set('Authorization', `Bearer ${admin}`);
    expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_QUERY' } });
  });
});

describe('audit chain verification (service and scripts/verify-audit.ts)', () => {
  let t: TestApp;
  let recorded: AuditEntry[];
  beforeEach(async () => {
    t = createTestApp();
    recorded = await recordEntries(t, 10);
  });
  afterEach(() => t.close());

  test('when the chain is intact, then the service finds no break and the script exits 0 with the head', async () => {
    const head = recorded[9] as AuditEntry;
    await expect(t.services.audit.verify()).resolves.toEqual({
      entries: 10,
      verifiedHead: { seq: 10, hash: head.hash, at: head.at },
    });
    const run = await verifyAudit(t.dataDir);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain('10 entries checked');
    expect(run.stdout).toContain(`head: seq 10 ${head.hash}`);
    expect(run.stdout).toContain('OK: the chain is intact.');
  }, 120_000);

  test.each([
    [
      'the change of entry 4 is edited',
      `UPDATE audit_log SET change = json_set(change, '$.reason', '已恢复') WHERE seq = 4`,
      { seq: 4, reason: 'digest-mismatch' },
    ],
    [
      'the action of entry 6 is edited',
      `UPDATE audit_log SET action = 'body.update' WHERE seq = 6`,
      { seq: 6, reason: 'hash-mismatch' },
    ],
    [
      'the actor of entry 2 is replaced',
      `UPDATE audit_log SET actor = '{"type":"system","id":"system"}' WHERE seq = 2`,
      { seq: 2, reason: 'hash-mismatch' },
    ],
    [
      'the actor of entry 3 is made unreadable',
      `UPDATE audit_log SET actor = 'nobody' WHERE seq = 3`,
      { seq: 3, reason: 'hash-mismatch' },
    ],
    [
      'the time of entry 9 is moved',
      `UPDATE audit_log SET at = '2020-01-01T00:00:00.000Z' WHERE seq = 9`,
      { seq: 9, reason: 'hash-mismatch' },
    ],
    [
      'entry 5 is deleted',
      'DELETE FROM audit_log WHERE seq = 5',
      { seq: 6, reason: 'seq-gap', expectedSeq: 5 },
    ],
    [
      'entry 1 is deleted',
      'DELETE FROM audit_log WHERE seq = 1',
      { seq: 2, reason: 'seq-gap', expectedSeq: 1 },
    ],
  ])(
    'when %s, then the first broken entry is named and the script exits 1',
    async (_what, sql, firstBreak) => {
      tamper(t, (db) => db.exec(sql));
      const result = await t.services.audit.verify();
      expect(result).toMatchObject({
        entries: ('expectedSeq' in firstBreak ? firstBreak.expectedSeq : firstBreak.seq) - 1,
        firstBreak,
      });
      const run = await verifyAudit(t.dataDir);
      expect(run).toMatchObject({ code: 1 });
      expect(run.stdout).toContain(
        `BROKEN: first broken entry: entry ${firstBreak.seq}: ${firstBreak.reason}`,
      );
      expect(run.stdout).not.toContain('OK:');
    },
    30_000,
  );

  test('when an entry is edited and its own hash recomputed, then the next entry no longer chains to it (said in Chinese with --lang zh)', async () => {
    tamper(t, (db) => {
      const row = db.prepare('SELECT * FROM audit_log WHERE seq = 3').get() as {
        seq: number;
        at: string;
        action: string;
        target_type: string;
        target_id: string;
        digest: string;
        prev_hash: string;
      };
      const forged = {
        seq: row.seq,
        at: row.at,
        actor: SYSTEM_ACTOR,
        action: row.action,
        target: { type: row.target_type, id: row.target_id },
        digest: row.digest,
        prevHash: row.prev_hash,
      };
      db.prepare('UPDATE audit_log SET actor = ?, hash = ? WHERE seq = 3').run(
        JSON.stringify(SYSTEM_ACTOR),
        entryHash(forged),
      );
    });
    await expect(t.services.audit.verify()).resolves.toMatchObject({
      entries: 3,
      firstBreak: { seq: 4, reason: 'prev-mismatch' },
    });
    const run = await verifyAudit(t.dataDir, '--lang', 'zh');
    expect(run).toMatchObject({ code: 1 });
    expect(run.stdout).toContain('已损坏：第一条损坏的条目：第 4 条：前序哈希不符');
    expect(run.stdout).not.toMatch(ENGLISH_SENTENCE);
  }, 120_000);

  test('when the tail is cut off, then the chain alone still verifies but a published head exposes it', async () => {
    const published = (await request(t.app).get('/api/v1/audit/head')).body as { seq: number; hash: string };
    expect(published).toMatchObject({ seq: 10, hash: recorded[9]?.hash });
    const earlier = recorded[4] as AuditEntry;

    // Before the cut, the published head is found at its own seq.
    const before = await verifyAudit(t.dataDir, '--expect-head', published.hash);
    expect(before).toMatchObject({ code: 0 });
    expect(before.stdout).toContain(`expected head ${published.hash}: found at seq 10`);

    tamper(t, (db) => db.exec('DELETE FROM audit_log WHERE seq > 8'));
    // Even with new entries appended after the cut, reaching seq 10 again, the old head is gone.
    await recordEntries(t, 2);
    await expect(t.services.audit.verify({ expectHead: published.hash })).resolves.toMatchObject({
      entries: 10,
      expectedHead: { hash: published.hash, found: false },
    });
    const cut = await verifyAudit(t.dataDir, '--expect-head', published.hash);
    expect(cut).toMatchObject({ code: 1 });
    expect(cut.stdout).toContain(
      `TRUNCATED OR REWRITTEN: expected head ${published.hash} is not in the chain`,
    );

    // A head published before the cut point is still in the chain: the log has only grown since it.
    const older = await verifyAudit(t.dataDir, '--expect-head', earlier.hash.toUpperCase());
    expect(older).toMatchObject({ code: 0 });
    expect(older.stdout).toContain(`found at seq 5`);
  }, 180_000);

  test('when the expected head is not a SHA-256 or the registry does not exist, then the script exits 2', async () => {
    const bad = await verifyAudit(t.dataDir, '--expect-head', 'abc');
    expect(bad).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--expect-head must be a SHA-256'),
    });
    const empty = tempDir();
    try {
      const missing = await verifyAudit(empty);
      expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('No registry at') });
      expect(fs.readdirSync(empty)).toEqual([]);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  }, 120_000);
});
