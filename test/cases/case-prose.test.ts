/**
 * Prose keeps its punctuation end to end: a tip written with full-width Chinese punctuation becomes a
 * case whose notes and decision keep it, and the dishonesty record the decision creates shows it on the
 * public list. Identifiers in the same requests are still normalised (half-width, upper-case).
 */
import request from 'supertest';
import type { Certificate } from '../../server/certificates/certificate-schema';
import type { Tip } from '../../server/tips/tip-schema';
import { creditCode, seedBody, seedCertificate } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

const PROSE = '商场展台上的证书，编号查不到：疑似伪造。请核实（附近还有两家）！是否冒用？';
const NOTE = '已电话联系举报人；对方称：证书系经销商提供。';
const FACTS = '持证组织在经营场所展示伪造的认证证书，用于招揽客户；当事人对此供认不讳。';
const BASIS = '《认证证书和认证标志管理办法》第二十六条（伪造认证证书）';

let t: TestApp;
let inspector: string;
let cert: Certificate;

beforeAll(async () => {
  t = createTestApp();
  const body = await seedBody(t.services, { name: '重庆标点认证有限公司' });
  cert = await seedCertificate(t.services, {
    bodyCode: body.code,
    holder: { name: '重庆标点测试有限公司', creditCode: creditCode() },
  });
  inspector = await t.tokenFor('inspector');
});
afterAll(async () => {
  await t.close();
});

const auth = () => ({ Authorization: `Bearer ${inspector}` });

test('when a tip, a note and a decision are written with full-width punctuation, then the tip, the case and the public dishonesty list keep it', async () => {
  const sent = await request(t.app)
    .post('/api/v1/tips')
    .send({
      category: 'forged',
      publicId: cert.publicId,
      description: `  ${PROSE}\r\n第二行：  两个空格。  `,
      place: '三峡广场（北门）',
    });
  expect(sent.status).toBe(201);
  const list = await request(t.app).get('/api/v1/tips?state=new&pageSize=100').set(auth());
  const tip = (list.body.items as Tip[]).find((item) => item.reference === sent.body.reference) as Tip;
  // Trimmed, line break kept, spaces folded; the punctuation as typed.
  expect(tip).toMatchObject({ description: `${PROSE}\n第二行： 两个空格。`, place: '三峡广场（北门）' });

  const opened = await request(t.app)
    .post('/api/v1/cases')
    .set(auth())
    .send({ title: '三峡广场：伪造证书举报', summary: PROSE, tipIds: [tip.id] });
  expect(opened).toMatchObject({ status: 201, body: { title: '三峡广场：伪造证书举报', summary: PROSE } });
  const id = opened.body.id as string;
  const noted = await request(t.app)
    .patch(`/api/v1/cases/${id}`)
    .set(auth())
    .send({ action: 'note', text: NOTE });
  expect(noted.status).toBe(200);
  expect(noted.body.events.at(-1)).toMatchObject({ action: 'note', text: NOTE });

  const decided = await request(t.app)
    .patch(`/api/v1/cases/${id}`)
    .set(auth())
    .send({
      action: 'decide',
      outcome: 'confirmed',
      basis: BASIS,
      facts: FACTS,
      records: [
        {
          // The credit code typed full-width and lower-case: an identifier, normalised.
          subject: {
            kind: 'organisation',
            creditCode: cert.holder.creditCode
              .toLowerCase()
              .replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
            name: cert.holder.name,
          },
          severity: 'serious',
        },
      ],
    });
  expect(decided).toMatchObject({ status: 200, body: { decision: { facts: FACTS, basis: BASIS } } });
  const recordId = decided.body.decision.recordIds[0] as string;

  const record = await request(t.app).get(`/api/v1/dishonesty/${recordId}`);
  expect(record).toMatchObject({
    status: 200,
    body: { facts: FACTS, basis: BASIS, subject: { creditCode: cert.holder.creditCode } },
  });
  const page = await request(t.app).get('/dishonesty?lang=zh');
  expect(page.status).toBe(200);
  expect(page.text).toContain(FACTS);
  expect(page.text).not.toContain(FACTS.replace(/，/g, ','));
});
