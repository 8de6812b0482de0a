/**
 * Two instances of the portal in cluster mode sharing one MongoDB database and one Redis (the replicas of
 * `docker compose up --scale app=2`): what one writes the other answers at once, status changes through
 * both at the same instant leave one legal history, and their audit appends stay one chain.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { isLegalTransition } from '../../server/certificates/certificate-status';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { makeBody, makeCertificate } from '../helpers/factories';
import { describeWithMongo, mongoUri } from '../helpers/mongo-harness';
import { SHARED_REDIS_URL } from '../helpers/redis-server';
import { tempDir } from '../helpers/test-app';
import {
  openClusterInstance,
  removeClusterData,
  type ClusterInstance,
  type ClusterInstanceOptions,
} from './cluster-instance';

const NDJSON = 'application/x-ndjson';

describeWithMongo('cluster mode: two instances on one MongoDB and one Redis', () => {
  let options: ClusterInstanceOptions;
  let a: ClusterInstance;
  let b: ClusterInstance;
  let bodyCode: string;
  let bodyToken: string;
  let adminToken: string;

  beforeAll(async () => {
    options = {
      mongoUri: mongoUri as string,
      dbName: `certwatch_test_${process.pid}_${Date.now().toString(36)}_cluster`,
      redisUrl: SHARED_REDIS_URL,
      redisPrefix: `certwatch-test:${randomUUID()}:`,
      dataDir: tempDir('certwatch-cluster-'),
    };
    a = await openClusterInstance(options);
    b = await openClusterInstance(options);
    bodyCode = (await a.services.bodies.upsert(makeBody())).code;
    // Tokens are stored in the shared database: issued through one instance, accepted by both.
    bodyToken = await a.tokenFor('body', bodyCode);
    adminToken = await b.tokenFor('admin');
  }, 60_000);
  afterAll(async () => {
    await a.close();
    await b.close();
    await removeClusterData(options);
  }, 30_000);

  const upload = (via: ClusterInstance, rows: object[]) =>
    request(via.app)
      .post('/api/v1/uploads')
      .set('Authorization', `Bearer ${bodyToken}`)
      .set('Content-Type', NDJSON)
      .send(`${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);

  const changeStatus = (via: ClusterInstance, publicId: string, status: string) =>
    request(via.app)
      .post(`/api/v1/certificates/${publicId}/status`)
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ status, reason: '集群并发测试', effectiveDate: '2026-03-02' });

  /** The upload row of a certificate report (the NDJSON fields are the report's own). */
  const row = (data: ReturnType<typeof makeCertificate>) => data;

  async function uploaded(via: ClusterInstance, count: number): Promise<Certificate[]> {
    const reports = Array.from({ length: count }, () => makeCertificate({ bodyCode }));
    const res = await upload(via, reports.map(row));
    expect(res).toMatchObject({ status: 201, body: { progress: { created: count } } });
    return Promise.all(
      reports.map(
        async (r) => (await via.stores.certificates.findByNumber(r.number, bodyCode, 1))[0] as Certificate,
      ),
    );
  }

  test('when a certificate is uploaded through one instance, then the other answers it at once, its cached "not found" gone', async () => {
    const report = makeCertificate({ bodyCode });
    const byNumber = `/api/v1/certificates?number=${encodeURIComponent(report.number)}&body=${bodyCode}`;
    // B answers "none" first, and the shared cache keeps that answer.
    await expect(request(b.app).get(byNumber)).resolves.toMatchObject({ status: 200, body: { items: [] } });

    const res = await upload(a, [row(report)]);
    expect(res).toMatchObject({ status: 201, body: { progress: { created: 1 } } });

    const seen = await request(b.app).get(byNumber);
    expect(seen).toMatchObject({
      status: 200,
      body: { items: [{ number: report.number, status: 'valid' }] },
    });
    const publicId = seen.body.items[0].publicId as string;
    await expect(request(b.app).get(`/api/v1/certificates/${publicId}`)).resolves.toMatchObject({
      status: 200,
      body: { publicId, holder: { name: report.holder.name } },
    });
  });

  test('when both instances change one certificate to different final statuses at the same instant, then one answers 200, the other 409 ILLEGAL_STATUS_TRANSITION, and the history has one final entry', async () => {
    const certs = await uploaded(a, 6);
    for (const cert of certs) {
      // Warm both instances' view (and the shared cache) first, as live traffic would.
      await request(a.app).get(`/api/v1/certificates/${cert.publicId}`).expect(200);
      const answers = await Promise.all([
        changeStatus(a, cert.publicId, 'revoked'),
        changeStatus(b, cert.publicId, 'withdrawn'),
      ]);
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 409]);
      const loser = answers.find((r) => r.status === 409);
      expect(loser?.body).toMatchObject({ code: 'ILLEGAL_STATUS_TRANSITION' });
      const winner = answers.find((r) => r.status === 200)?.body.status as string;

      const stored = (await b.stores.certificates.findByPublicId(cert.publicId)) as Certificate;
      expect(stored.status).toBe(winner);
      expect(stored.statusHistory.map((h) => h.status)).toEqual(['valid', winner]);
      // Both instances answer the winner: the loser's instance serves no stale cached answer.
      for (const via of [a, b]) {
        await expect(request(via.app).get(`/api/v1/certificates/${cert.publicId}`)).resolves.toMatchObject({
          status: 200,
          body: { status: winner },
        });
      }
      // One audit entry for the one change that happened.
      const changes = await a.services.audit.forTarget('certificate', cert.publicId, 10);
      expect(changes.filter((e) => e.action === 'certificate.status')).toHaveLength(1);
    }
  }, 60_000);

  test('when an upload through one instance and a revocation through the other hit one certificate at once, then its history never leaves the final status', async () => {
    const certs = await uploaded(b, 6);
    for (const cert of certs) {
      const { id: _id, publicId: _p, statusHistory: _h, createdAt: _c, updatedAt: _u, ...report } = cert;
      await Promise.all([
        upload(a, [
          { ...report, status: 'suspended', statusReason: '监督审核逾期', statusDate: '2026-03-02' },
        ]),
        changeStatus(b, cert.publicId, 'revoked'),
      ]);
      const stored = (await a.stores.certificates.findByPublicId(cert.publicId)) as Certificate;
      const moves = stored.statusHistory.map((h) => h.status);
      expect(moves[0]).toBe('valid');
      expect(moves).toContain('revoked');
      for (let i = 1; i < moves.length; i += 1) {
        const [from, to] = [moves[i - 1], moves[i]] as [Certificate['status'], Certificate['status']];
        expect({ from, to, legal: isLegalTransition(from, to) }).toEqual({ from, to, legal: true });
      }
      expect(stored.status).toBe('revoked');
    }
  }, 60_000);

  test('when both instances append to the audit log at once, then the log is one unbroken chain', async () => {
    const certs = await uploaded(a, 10);
    const before = await a.services.audit.head();
    const answers = await Promise.all(
      certs.map((cert, i) => changeStatus(i % 2 ? a : b, cert.publicId, 'suspended')),
    );
    expect(answers.map((r) => r.status)).toEqual(certs.map(() => 200));
    const verified = await b.services.audit.verify();
    expect(verified.firstBreak).toBeUndefined();
    const head = await a.services.audit.head();
    expect(verified.verifiedHead).toEqual(head);
    expect(head.seq).toBeGreaterThanOrEqual(before.seq + certs.length);
    expect(verified.entries).toBe(head.seq);
  }, 60_000);
});
