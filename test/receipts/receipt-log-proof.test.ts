/**
 * Proofs where people look (issue 13, item 5): a receipt carries its certificate's latest status entry,
 * that entry's inclusion proof and the signed checkpoint it is proven against; the public dishonesty list
 * links each record to its entry and proof. Checked here by an independent verifier written in the test
 * (node:crypto, RFC 9162 §2.1.3.2 and the signed-note format by hand), against the served checkpoint.
 */
import crypto from 'node:crypto';
import request from 'supertest';
import type { StoredAuditEntry } from '../../server/audit/audit-repository';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { creditCode, seedBody, seedCertificate, unique } from '../helpers/factories';

let t: TestApp;
let bodyCode: string;
let admin: string;
let inspector: string;

beforeAll(async () => {
  t = createTestApp({ env: { PUBLIC_BASE_URL: 'https://certwatch.example.gov.cn' } });
  bodyCode = (await seedBody(t.services, { code: unique('LP').slice(0, 20) })).code;
  admin = await t.tokenFor('admin');
  inspector = await t.tokenFor('inspector');
});
afterAll(() => t.close());

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const sha = (...parts: Buffer[]) => crypto.createHash('sha256').update(Buffer.concat(parts)).digest();

interface Proof {
  entry: { seq: number; action: string; at: string };
  index: number;
  size: number;
  leafHash: string;
  hashes: string[];
  checkpoint: string;
}

/** RFC 9162 §2.1.3.2, written apart from server/audit/merkle.ts. */
function rootFromPath(index: number, size: number, leaf: Buffer, path: Buffer[]): Buffer | undefined {
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = sha(Buffer.from([1]), p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else r = sha(Buffer.from([1]), r, p);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

/** The checkpoint's root when the log's published key signed it, by hand; undefined otherwise. */
async function signedRoot(note: string): Promise<{ size: number; root: Buffer } | undefined> {
  const vkey = (await request(t.app).get('/api/v1/audit/log-key')).text.split('\n')[0] as string;
  const [name, idHex, ...rest] = vkey.split('+') as [string, string, string];
  const raw = Buffer.from(rest.join('+'), 'base64');
  const pub = crypto.createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.subarray(1).toString('base64url') },
    format: 'jwk',
  });
  const [text, sigs] = note.split('\n\n') as [string, string];
  const line = sigs.split('\n').find((l) => l.startsWith(`\u2014 ${name} `));
  if (!line) return undefined;
  const sig = Buffer.from(line.split(' ')[2] as string, 'base64');
  if (sig.subarray(0, 4).toString('hex') !== idHex) return undefined;
  if (!crypto.verify(null, Buffer.from(`${text}\n`), pub, sig.subarray(4))) return undefined;
  const [, size, root] = text.split('\n') as [string, string, string];
  return { size: Number(size), root: Buffer.from(root, 'base64') };
}

/** An independent check of a receipt's proof: signed checkpoint, then the path from leaf to its root. */
async function independentlyProven(proof: Proof): Promise<boolean> {
  const cp = await signedRoot(proof.checkpoint);
  if (!cp || cp.size !== proof.size) return false;
  const root = rootFromPath(
    proof.index,
    proof.size,
    Buffer.from(proof.leafHash, 'base64'),
    proof.hashes.map((h) => Buffer.from(h, 'base64')),
  );
  return root !== undefined && root.equals(cp.root);
}

/** The leaf hash of a stored entry from its chain bytes (canonical JSON, sorted keys), by hand. */
function leafOf(e: StoredAuditEntry): string {
  const sorted = (v: unknown): string =>
    Array.isArray(v)
      ? `[${v.map(sorted).join(',')}]`
      : v && typeof v === 'object'
        ? `{${Object.keys(v)
            .sort()
            .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
            .map((k) => `${JSON.stringify(k)}:${sorted((v as Record<string, unknown>)[k])}`)
            .join(',')}}`
        : JSON.stringify(v);
  const { seq, at, actor, action, target, digest, prevHash } = e;
  return sha(
    Buffer.from([0]),
    Buffer.from(sorted({ seq, at, actor, action, target, digest, prevHash })),
  ).toString('base64');
}

async function suspended(): Promise<Certificate> {
  const cert = await seedCertificate(t.services, { bodyCode });
  const res = await request(t.app)
    .post(`/api/v1/certificates/${cert.publicId}/status`)
    .set(auth(admin))
    .send({ status: 'suspended', reason: '监督审核逾期', effectiveDate: '2026-11-01' });
  expect(res.status).toBe(200);
  return cert;
}

describe('receipts carry the proof of the latest status entry', () => {
  test('when a certificate had a status change, then its receipt proves that entry against the served checkpoint', async () => {
    const cert = await suspended();
    // More entries after it, so that the proof is of a leaf inside the tree, not its last.
    await seedCertificate(t.services, { bodyCode });
    const res = await request(t.app).post(`/api/v1/certificates/${cert.publicId}/receipts`);
    expect(res.status).toBe(200);
    const { receipt, log } = res.body as { receipt: { registry: { statusEntry: unknown } }; log: Proof };
    const [entry] = (await t.stores.audit.forTarget('certificate', cert.publicId, 5)).filter(
      (e) => e.action === 'certificate.status',
    );
    expect(log.entry).toEqual({ seq: entry?.seq, action: 'certificate.status', at: entry?.at });
    expect(log.index).toBe((entry?.seq ?? 0) - 1);
    // The leaf is that very entry, and the signed receipt names it.
    expect(log.leafHash).toBe(leafOf(entry as StoredAuditEntry));
    expect(receipt.registry.statusEntry).toEqual({ seq: entry?.seq, leafHash: log.leafHash });
    expect(await independentlyProven(log)).toBe(true);
    // The checkpoint is the one the portal serves (the log has not grown since the receipt).
    const served = await request(t.app).get('/api/v1/audit/checkpoint');
    expect(served.text.split('\n\n')[0]).toBe(log.checkpoint.split('\n\n')[0]);
    // And the server agrees.
    const verified = await request(t.app)
      .post('/api/v1/receipts/verify')
      .send({ compact: res.body.compact, log });
    expect(verified).toMatchObject({ status: 200, body: { verdict: 'VALID', log: { verdict: 'PROVEN' } } });
  });

  test('when the proof is tampered with, then the independent check and the server both refuse it', async () => {
    const cert = await suspended();
    await seedCertificate(t.services, { bodyCode });
    const { compact, log } = (await request(t.app).post(`/api/v1/certificates/${cert.publicId}/receipts`))
      .body as { compact: string; log: Proof };
    const flip = (b64: string) => {
      const b = Buffer.from(b64, 'base64');
      b[0] = (b[0] as number) ^ 1;
      return b.toString('base64');
    };
    const tampered: Proof[] = [
      { ...log, hashes: [flip(log.hashes[0] as string), ...log.hashes.slice(1)] },
      { ...log, leafHash: flip(log.leafHash) },
      { ...log, index: log.index + 1 },
      { ...log, checkpoint: log.checkpoint.replace(/\n(\d+)\n/, (_m, n: string) => `\n${Number(n) + 1}\n`) },
    ];
    for (const bad of tampered) {
      expect(await independentlyProven(bad)).toBe(false);
      const res = await request(t.app).post('/api/v1/receipts/verify').send({ compact, log: bad });
      expect(res.status).toBe(200);
      expect(res.body.log.verdict).not.toBe('PROVEN');
    }
    // A valid proof of another certificate's entry is not this receipt's.
    const other = await suspended();
    const otherLog = (await request(t.app).post(`/api/v1/certificates/${other.publicId}/receipts`)).body.log;
    const res = await request(t.app).post('/api/v1/receipts/verify').send({ compact, log: otherLog });
    expect(res.body.log).toMatchObject({ verdict: 'PROOF_INVALID' });
  });

  test('when a certificate has no status entry, then its receipt has no log and says so on its page', async () => {
    const cert = await seedCertificate(t.services, { bodyCode });
    const res = await request(t.app).post(`/api/v1/certificates/${cert.publicId}/receipts`);
    expect(res.status).toBe(200);
    expect(res.body.log).toBeUndefined();
    expect(res.body.receipt.registry.statusEntry).toBeUndefined();
    const page = await request(t.app).get(`/receipts?r=${res.body.compact}&lang=en`);
    expect(page.text).toContain('no status entry of its own');
  });

  test('when the receipt page is opened from a result page, then it shows the proof checked on the server', async () => {
    const cert = await suspended();
    const redirect = await request(t.app).get(`/v/${cert.publicId}/receipt?lang=zh`);
    expect(redirect.status).toBe(303);
    expect(redirect.headers.location).toMatch(/&p=p1\./);
    const page = await request(t.app).get(redirect.headers.location as string);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-log-verdict="PROVEN"');
    expect(page.text).toContain('审计日志证明');
    // A changed proof in the address is shown as failing, never as proven.
    const changed = (redirect.headers.location as string).replace(
      /&p=p1\.[A-Za-z0-9_-]{10}/,
      '&p=p1.AAAAAAAAAA',
    );
    const bad = await request(t.app).get(changed);
    expect(bad.status).toBe(200);
    expect(bad.text).not.toContain('data-log-verdict="PROVEN"');
  });

  test('when the verify request carries a log that is not a proof, then it is 400 RECEIPT_MALFORMED', async () => {
    const cert = await suspended();
    const { compact } = (await request(t.app).post(`/api/v1/certificates/${cert.publicId}/receipts`)).body;
    const res = await request(t.app)
      .post('/api/v1/receipts/verify')
      .send({ compact, log: { index: 'x' } });
    expect(res).toMatchObject({ status: 400, body: { code: 'RECEIPT_MALFORMED' } });
  });
});

describe('the public dishonesty list links each record to its proof', () => {
  test('when a record is listed, then the API and the page give its entry and a proof that verifies', async () => {
    const code = creditCode();
    const created = await request(t.app)
      .post('/api/v1/dishonesty')
      .set(auth(inspector))
      .send({
        subject: { kind: 'organisation', creditCode: code, name: '重庆证明测试有限公司' },
        severity: 'serious',
        basis: '《认证认可条例》第七十一条',
        facts: '伪造认证证书。',
        startDate: '2026-01-10',
      });
    expect(created.status).toBe(201);
    const list = await request(t.app).get(`/api/v1/dishonesty?q=${code}`);
    const item = list.body.items[0];
    const [entry] = await t.stores.audit.forTarget('dishonesty', created.body.id, 5);
    expect(item.logEntry).toMatchObject({ seq: entry?.seq, index: (entry?.seq ?? 0) - 1 });
    const one = await request(t.app).get(`/api/v1/dishonesty/${created.body.id}`);
    expect(one.body.logEntry).toEqual(item.logEntry);

    const checkpoint = (await request(t.app).get('/api/v1/audit/checkpoint')).text;
    const cp = await signedRoot(checkpoint);
    const proof = await request(t.app).get(
      `/api/v1/audit/proofs/inclusion?index=${item.logEntry.index}&size=${cp?.size}`,
    );
    expect(proof.status).toBe(200);
    expect(proof.body.leafHash).toBe(leafOf(entry as StoredAuditEntry));
    const root = rootFromPath(
      proof.body.index,
      proof.body.size,
      Buffer.from(proof.body.leafHash, 'base64'),
      (proof.body.hashes as string[]).map((h) => Buffer.from(h, 'base64')),
    );
    expect(root?.equals(cp?.root as Buffer)).toBe(true);
    // The link the record carries answers too.
    expect((await request(t.app).get(item.logEntry.inclusionProof)).status).toBe(200);

    const page = await request(t.app).get(`/dishonesty?q=${code}&lang=en`);
    expect(page.text).toContain(`data-log-proof="${item.logEntry.index}"`);
    expect(page.text).toContain('inclusion proof');
  });
});
