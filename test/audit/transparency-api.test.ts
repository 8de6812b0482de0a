import crypto from 'node:crypto';
import request from 'supertest';
import type { StoredAuditEntry } from '../../server/audit/audit-repository';
import { generateWitnessKey, parseWitnessKey, type WitnessSigner } from '../../server/audit/checkpoint';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** Independent of production: SHA-256 leaf of an entry's chain bytes (canonical JSON, sorted keys). */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${sortedJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
const sha = (...parts: Buffer[]) => crypto.createHash('sha256').update(Buffer.concat(parts)).digest();
function leafOf(e: StoredAuditEntry): Buffer {
  const { seq, at, actor, action, target, digest, prevHash } = e;
  const bytes = Buffer.from(sortedJson({ seq, at, actor, action, target, digest, prevHash }), 'utf8');
  // The chain hashes exactly these bytes: the leaf is over what the chain already commits to.
  expect(sha(bytes).toString('hex')).toBe(e.hash);
  return sha(Buffer.from([0]), bytes);
}
/** RFC 9162 MTH, recursively, from leaf hashes. */
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return leaves[0] as Buffer;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

/** Parses a checkpoint note and checks the log's signature with the vkey, by hand (no production code). */
function checkNote(
  note: string,
  vkey: string,
): { origin: string; size: number; root: string; lines: string[] } {
  const [name, idHex, ...key] = vkey.split('+') as [string, string, string];
  const keyB64 = key.join('+');
  const raw = Buffer.from(keyB64, 'base64');
  expect(raw[0]).toBe(0x01);
  expect(
    sha(Buffer.from(`${name}\n`), raw)
      .subarray(0, 4)
      .toString('hex'),
  ).toBe(idHex);
  const [text, sigs] = note.split('\n\n') as [string, string];
  const [origin, size, root] = text.split('\n') as [string, string, string];
  const lines = sigs.trimEnd().split('\n');
  const own = lines.find((l) => l.startsWith(`\u2014 ${name} `)) as string;
  const sig = Buffer.from(own.split(' ')[2] as string, 'base64');
  expect(sig.subarray(0, 4).toString('hex')).toBe(idHex);
  const pub = crypto.createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.subarray(1).toString('base64url') },
    format: 'jwk',
  });
  expect(crypto.verify(null, Buffer.from(`${text}\n`), pub, sig.subarray(4))).toBe(true);
  return { origin, size: Number(size), root, lines };
}

async function entries(t: TestApp): Promise<StoredAuditEntry[]> {
  const out: StoredAuditEntry[] = [];
  for await (const e of t.stores.audit.entries(1, 100)) out.push(e);
  return out;
}

async function record(t: TestApp, n: number): Promise<void> {
  for (let i = 0; i < n; i += 1)
    await t.services.audit.record(
      { type: 'system', id: 'system' },
      'body.update',
      { type: 'body', id: `B${i}` },
      { i },
    );
}

const b64 = (b: Buffer) => b.toString('base64');

describe('the audit log as a transparency log (API)', () => {
  let t: TestApp;
  let vkey: string;
  beforeEach(async () => {
    t = createTestApp({ env: { PUBLIC_BASE_URL: 'https://certwatch.example.cn' } });
    vkey = (await request(t.app).get('/api/v1/audit/log-key')).text.trim().split('\n')[0] as string;
  });
  afterEach(() => t.close());

  test('when the log is empty, then the checkpoint is size 0 with the empty root, signed by the published key', async () => {
    expect(vkey).toMatch(/^certwatch\.example\.cn\/audit-log\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/);
    const res = await request(t.app).get('/api/v1/audit/checkpoint');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const cp = checkNote(res.text, vkey);
    expect(cp).toMatchObject({ origin: 'certwatch.example.cn/audit-log', size: 0, root: b64(sha()) });
    expect(res.headers['x-witnessed-by']).toBe('0');
  });

  test('when entries are recorded, then the checkpoint commits to them and every inclusion proof checks out', async () => {
    await record(t, 13);
    const leaves = (await entries(t)).map(leafOf);
    const cp = checkNote((await request(t.app).get('/api/v1/audit/checkpoint')).text, vkey);
    expect(cp).toMatchObject({ size: 13, root: b64(mth(leaves)) });
    for (let i = 0; i < 13; i += 1) {
      const res = await request(t.app).get(`/api/v1/audit/proofs/inclusion?index=${i}&size=13`);
      expect(res).toMatchObject({
        status: 200,
        body: { index: i, size: 13, leafHash: b64(leaves[i] as Buffer) },
      });
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      // Fold the path (RFC 9162 §2.1.3.2) by hand up to the root.
      let fn = i;
      let sn = 12;
      let r = leaves[i] as Buffer;
      for (const h of (res.body.hashes as string[]).map((x) => Buffer.from(x, 'base64'))) {
        if (fn % 2 === 1 || fn === sn) {
          r = sha(Buffer.from([1]), h, r);
          while (fn % 2 === 0 && fn !== 0) {
            fn >>= 1;
            sn >>= 1;
          }
        } else r = sha(Buffer.from([1]), r, h);
        fn >>= 1;
        sn >>= 1;
      }
      expect(b64(r)).toBe(cp.root);
    }
  });

  test('when the log grows, then a consistency proof links the old checkpoint to the new one', async () => {
    await record(t, 6);
    const old = checkNote((await request(t.app).get('/api/v1/audit/checkpoint')).text, vkey);
    await record(t, 5);
    const now = checkNote((await request(t.app).get('/api/v1/audit/checkpoint')).text, vkey);
    const res = await request(t.app).get(`/api/v1/audit/proofs/consistency?from=${old.size}&to=${now.size}`);
    expect(res).toMatchObject({ status: 200, body: { from: 6, to: 11, hashes: expect.any(Array) } });
    // For 6 → 11 the RFC's PROOF is [MTH(4..5), MTH(6..7), MTH(0..3), MTH(8..10)].
    const leaves = (await entries(t)).map(leafOf);
    expect(res.body.hashes).toEqual(
      [
        mth(leaves.slice(4, 6)),
        mth(leaves.slice(6, 8)),
        mth(leaves.slice(0, 4)),
        mth(leaves.slice(8, 11)),
      ].map(b64),
    );
    expect(b64(mth(leaves.slice(0, 6)))).toBe(old.root);
    expect(b64(mth(leaves))).toBe(now.root);
    const same = await request(t.app).get('/api/v1/audit/proofs/consistency?from=11&to=11');
    expect(same).toMatchObject({ status: 200, body: { from: 11, to: 11, hashes: [] } });
  });

  test.each([
    ['an index at the size', '/api/v1/audit/proofs/inclusion?index=3&size=3'],
    ['a negative index', '/api/v1/audit/proofs/inclusion?index=-1&size=3'],
    ['no size', '/api/v1/audit/proofs/inclusion?index=1'],
    ['a fraction', '/api/v1/audit/proofs/inclusion?index=1.5&size=3'],
    ['leading zeros', '/api/v1/audit/proofs/inclusion?index=01&size=3'],
    ['an unknown parameter', '/api/v1/audit/proofs/inclusion?index=1&size=3&x=1'],
    ['a repeated parameter', '/api/v1/audit/proofs/inclusion?index=1&index=2&size=3'],
    ['from above to', '/api/v1/audit/proofs/consistency?from=3&to=2'],
    ['from 0', '/api/v1/audit/proofs/consistency?from=0&to=2'],
    ['an operator object', '/api/v1/audit/proofs/consistency?from[$gt]=1&to=2'],
    ['a query on the checkpoint', '/api/v1/audit/checkpoint?size=1'],
  ])('when a proof is asked with %s, then 400 INVALID_QUERY', async (_what, url) => {
    await record(t, 3);
    const res = await request(t.app).get(url);
    expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_QUERY' } });
  });

  test('when a proof is asked for a size the log has not reached, then 404 AUDIT_SIZE_BEYOND_LOG', async () => {
    await record(t, 3);
    for (const url of [
      '/api/v1/audit/proofs/inclusion?index=1&size=4',
      '/api/v1/audit/proofs/consistency?from=2&to=4',
      '/api/v1/audit/proofs/inclusion?index=1&size=999999999999999',
    ]) {
      const res = await request(t.app).get(url);
      expect(res).toMatchObject({ status: 404, body: { code: 'AUDIT_SIZE_BEYOND_LOG' } });
    }
  });

  describe('witnesses', () => {
    let admin: string;
    let signer: WitnessSigner;
    beforeEach(async () => {
      admin = await t.tokenFor('admin');
      signer = parseWitnessKey(generateWitnessKey('fgw.cq.example/witness'));
    });

    const register = (token: string, body: unknown) =>
      request(t.app)
        .post('/api/v1/audit/witnesses')
        .set('Authorization', `Bearer ${token}`)
        .send(body as object);

    async function cosigned(by: WitnessSigner[], note?: string): Promise<string> {
      const text = note ?? (await request(t.app).get('/api/v1/audit/checkpoint')).text;
      const body = text.split('\n\n')[0] + '\n';
      const seconds = Math.floor(Date.now() / 1000);
      const lines = by.map((s) => {
        const sig = s.cosign(body, seconds);
        return `\u2014 ${sig.name} ${Buffer.concat([sig.keyId, sig.signature]).toString('base64')}\n`;
      });
      return text + lines.join('');
    }
    const post = (text: string, type = 'text/plain') =>
      request(t.app).post('/api/v1/audit/cosignatures').set('Content-Type', type).send(text);

    test('when an admin registers a witness, then it is listed, audited, and a second registration is refused', async () => {
      const res = await register(admin, { vkey: signer.vkey, label: '区发展改革委信用科' });
      expect(res).toMatchObject({
        status: 201,
        body: { name: 'fgw.cq.example/witness', vkey: signer.vkey, label: '区发展改革委信用科' },
      });
      const status = await request(t.app).get('/api/v1/audit/witnesses');
      expect(status.body).toMatchObject({
        seenBy: 0,
        witnesses: [{ name: 'fgw.cq.example/witness', lastCosigned: null }],
      });
      const [entry] = await t.services.audit.forTarget('witness', 'fgw.cq.example/witness', 1);
      expect(entry).toMatchObject({
        action: 'witness.register',
        actor: { role: 'admin' },
        change: { vkey: signer.vkey },
      });
      expect(await register(admin, { vkey: signer.vkey, label: 'again' })).toMatchObject({
        status: 409,
        body: { code: 'WITNESS_EXISTS' },
      });
    });

    test.each([
      ['a log key (alg 0x01)', () => vkey],
      ['a wrong key id', () => signer.vkey.replace(/\+([0-9a-f]{8})\+/, '+00000000+')],
      ['two parts', () => 'name+abc'],
      ['a space in the name', () => `a b${signer.vkey.slice(signer.vkey.indexOf('+'))}`],
    ])('when the key is %s, then 400 INVALID_WITNESS_KEY', async (_what, key) => {
      const res = await register(admin, { vkey: key(), label: 'x' });
      expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_WITNESS_KEY' } });
    });

    test('when someone other than an admin registers or removes a witness, then 401 or 403', async () => {
      const inspector = await t.tokenFor('inspector');
      expect(await register(inspector, { vkey: signer.vkey, label: 'x' })).toMatchObject({ status: 403 });
      expect(
        await request(t.app).post('/api/v1/audit/witnesses').send({ vkey: signer.vkey, label: 'x' }),
      ).toMatchObject({
        status: 401,
      });
      const del = await request(t.app)
        .delete(`/api/v1/audit/witnesses/${encodeURIComponent(signer.name)}`)
        .set('Authorization', `Bearer ${inspector}`);
      expect(del).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    });

    test('when a registered witness cosigns the checkpoint, then it is seen by 1 witness and the cosignature is served', async () => {
      await register(admin, { vkey: signer.vkey, label: '区发展改革委' });
      await record(t, 4);
      const res = await post(await cosigned([signer]));
      expect(res).toMatchObject({ status: 200, body: { accepted: [signer.name], seenBy: 1 } });
      // A second, unregistered signer on the same note is left out, not an error.
      const stranger = parseWitnessKey(generateWitnessKey('stranger.example'));
      expect(await post(await cosigned([stranger, signer]))).toMatchObject({
        status: 200,
        body: { accepted: [signer.name] },
      });
      const cp = await request(t.app).get('/api/v1/audit/checkpoint');
      expect(cp.headers['x-witnessed-by']).toBe('1');
      const { size, lines } = checkNote(cp.text, vkey);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(/^\u2014 fgw\.cq\.example\/witness /);
      const status = (await request(t.app).get('/api/v1/audit/witnesses')).body;
      expect(status).toMatchObject({ size, seenBy: 1, witnesses: [{ lastCosigned: { size } }] });
      // When the log grows, the new checkpoint is not seen yet; the witness's last cosigned size stays.
      await record(t, 1);
      const later = (await request(t.app).get('/api/v1/audit/witnesses')).body;
      expect(later).toMatchObject({ size: size + 1, seenBy: 0, witnesses: [{ lastCosigned: { size } }] });
      // Removing the witness takes its cosignature off.
      const del = await request(t.app)
        .delete(`/api/v1/audit/witnesses/${encodeURIComponent(signer.name)}`)
        .set('Authorization', `Bearer ${admin}`);
      expect(del.status).toBe(204);
      expect((await request(t.app).get('/api/v1/audit/witnesses')).body).toMatchObject({ witnesses: [] });
    });

    test('when the cosigned note is not this log’s checkpoint, then 400 or 409 with a stable code, and nothing is kept', async () => {
      await register(admin, { vkey: signer.vkey, label: 'x' });
      await record(t, 4);
      const good = (await request(t.app).get('/api/v1/audit/checkpoint')).text;
      const otherRoot = good.replace(/\n([A-Za-z0-9+/]{43}=)\n/, `\n${b64(sha(Buffer.from('other')))}\n`);
      expect(await post(await cosigned([signer], otherRoot))).toMatchObject({
        status: 400,
        body: { code: 'INVALID_CHECKPOINT' },
      });
      expect(await post('not a note')).toMatchObject({ status: 400, body: { code: 'INVALID_CHECKPOINT' } });
      expect(await post('')).toMatchObject({ status: 400, body: { code: 'INVALID_CHECKPOINT' } });
      expect(await post(`${good}${'x'.repeat(20_000)}`)).toMatchObject({
        status: 413,
        body: { code: 'PAYLOAD_TOO_LARGE' },
      });
      expect(await post(await cosigned([signer]), 'application/octet-stream')).toMatchObject({
        status: 415,
        body: { code: 'UNSUPPORTED_MEDIA_TYPE' },
      });
      // Only the log's signature: no cosignature to keep.
      expect(await post(good)).toMatchObject({ status: 400, body: { code: 'NO_VALID_COSIGNATURE' } });
      // A cosignature whose signature was altered.
      // One byte of the Ed25519 signature flipped (decoded and re-encoded: base64 padding bits do not count).
      const altered = (await cosigned([signer])).replace(/ ([A-Za-z0-9+/]+=*)\n$/, (_m, b64sig: string) => {
        const raw = Buffer.from(b64sig, 'base64');
        raw[raw.length - 10] = (raw[raw.length - 10] as number) ^ 0x01;
        return ` ${raw.toString('base64')}\n`;
      });
      expect(await post(altered)).toMatchObject({ status: 400, body: { code: 'NO_VALID_COSIGNATURE' } });
      expect((await request(t.app).get('/api/v1/audit/witnesses')).body).toMatchObject({
        witnesses: [{ lastCosigned: null }],
      });
    });

    test('when a log checkpoint of another history is cosigned (the store was rewritten since), then 409 CHECKPOINT_NOT_IN_LOG', async () => {
      await register(admin, { vkey: signer.vkey, label: 'x' });
      await record(t, 4);
      const before = await cosigned([signer]);
      // Someone with the database rewrites entry 2 and re-hashes the chain and the tree after it.
      const db = (await import('better-sqlite3')).default(`${t.dataDir}/registry.sqlite`);
      db.prepare("UPDATE audit_log SET target_id = 'forged' WHERE seq = 2").run();
      db.prepare('DELETE FROM audit_tree').run();
      db.close();
      const res = await post(before);
      // The chain of entry 2 no longer matches either, but the tree rebuilt from the entries moves the root.
      expect(res).toMatchObject({ status: 409, body: { code: 'CHECKPOINT_NOT_IN_LOG' } });
    });
  });
});
