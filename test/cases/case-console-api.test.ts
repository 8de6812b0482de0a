/**
 * What the inspector console reads and does through the API: a case answers with the names of what it
 * holds (tip references, certificate numbers and holders, inspectors' names), tips are dismissed with a
 * reason, the rule filter reads the known rules, and evidence attachments are added, listed and fetched
 * by inspectors only, typed by their bytes.
 */
import request from 'supertest';
import { SYSTEM_ACTOR } from '../../server/audit/audit-schema';
import { MAX_ATTACHMENT_BYTES } from '../../server/cases/attachment-schema';
import type { Certificate } from '../../server/certificates/certificate-schema';
import type { Tip } from '../../server/tips/tip-schema';
import { creditCode, seedBody, seedCertificate, unique } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { submitTip } from '../helpers/tips';

const PROBLEM = /^application\/problem\+json/;
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(300, 1)]);

let t: TestApp;
let cert: Certificate;
let inspectorId: string;
/** An inspector's token linked to the directory's inspector: events name the inspector. */
let named: string;
/** An inspector's token with a free label. */
let other: string;
let admin: string;

beforeAll(async () => {
  t = createTestApp();
  const body = await seedBody(t.services, { name: '重庆名称认证有限公司' });
  cert = await seedCertificate(t.services, {
    bodyCode: body.code,
    holder: { name: '重庆名称测试有限公司', creditCode: creditCode() },
  });
  inspectorId = unique('CQ-').slice(0, 30);
  await t.services.inspectors.create(
    { id: inspectorId, name: '李检查', unit: '沙坪坝区市场监督管理局', active: true, conflicts: [] },
    SYSTEM_ACTOR,
  );
  named = (
    await t.services.tokens.issue(
      { role: 'inspector', inspectorId, label: '李检查的令牌', expiresInDays: 1 },
      undefined,
    )
  ).secret;
  other = await t.tokenFor('inspector');
  admin = await t.tokenFor('admin');
});
afterAll(async () => {
  await t.close();
});

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

const newTip = () => submitTip(t.app, cert.publicId, named);

async function openCase(tip?: Tip): Promise<string> {
  const res = await request(t.app)
    .post('/api/v1/cases')
    .set(auth(named))
    .send({ title: '名称测试', ...(tip ? { tipIds: [tip.id] } : { publicIds: [cert.publicId] }) });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const upload = (
  caseId: string,
  data: Buffer,
  name: string,
  token = named,
  type = 'application/octet-stream',
) =>
  request(t.app)
    .post(`/api/v1/cases/${caseId}/attachments?name=${encodeURIComponent(name)}`)
    .set({ ...auth(token), 'Content-Type': type })
    .send(data);

describe('names instead of ids', () => {
  test('when a case is read, then its refs name the tip by reference, the certificate by number and holder, and the inspectors by name', async () => {
    const tip = await newTip();
    const id = await openCase(tip);
    await request(t.app)
      .patch(`/api/v1/cases/${id}`)
      .set(auth(named))
      .send({ action: 'assign', assignee: inspectorId })
      .expect(200);
    const noted = await request(t.app)
      .patch(`/api/v1/cases/${id}`)
      .set(auth(other))
      .send({ action: 'note', text: '另一位检查人员的备注。' });
    expect(noted.status).toBe(200);
    const res = await request(t.app).get(`/api/v1/cases/${id}`).set(auth(named));
    const namedBy = res.body.createdBy as string;
    const otherBy = res.body.events.at(-1).by as string;
    expect(res).toMatchObject({
      status: 200,
      body: {
        attachments: [],
        refs: {
          tips: { [tip.id]: { reference: tip.reference } },
          certificates: { [cert.publicId]: { number: cert.number, holderName: '重庆名称测试有限公司' } },
          people: {
            [inspectorId]: { name: '李检查', unit: '沙坪坝区市场监督管理局' },
            [namedBy]: { name: '李检查' },
            // A token linked to no inspector is named by its label, said to be one.
            [otherBy]: { name: 'test inspector', fromLabel: true },
          },
        },
      },
    });
    // The PATCH answer carries the same names.
    expect(noted.body.refs.tips[tip.id]).toEqual({ reference: tip.reference });
  });

  test('when the rules are asked for, then every rule comes with its titles, for inspectors and admins only', async () => {
    const res = await request(t.app).get('/api/v1/signals/rules').set(auth(named));
    expect(res.status).toBe(200);
    expect(res.body.items).toContainEqual({
      id: 'issued-before-audit-end',
      title: { zh: expect.any(String), en: expect.any(String) },
    });
    await request(t.app).get('/api/v1/signals/rules').set(auth(admin)).expect(200);
    await expect(request(t.app).get('/api/v1/signals/rules')).resolves.toMatchObject({ status: 401 });
    await expect(request(t.app).get('/api/v1/signals/rules?x=1').set(auth(named))).resolves.toMatchObject({
      status: 400,
      body: { code: 'INVALID_QUERY' },
    });
  });
});

describe('dismissing a tip', () => {
  test('when an inspector dismisses a new tip with a reason, then it is dismissed and audited; a second time is refused', async () => {
    const tip = await newTip();
    const res = await request(t.app)
      .post(`/api/v1/tips/${tip.id}/dismissal`)
      .set(auth(named))
      .send({ reason: '重复举报：与前一条内容相同。' });
    expect(res).toMatchObject({ status: 200, body: { id: tip.id, state: 'dismissed' } });
    const [entry] = await t.services.audit.forTarget('tip', tip.id, 1);
    expect(entry).toMatchObject({
      action: 'tip.dismiss',
      actor: { role: 'inspector' },
      change: { from: 'new', to: 'dismissed', reason: '重复举报：与前一条内容相同。' },
    });
    const again = await request(t.app)
      .post(`/api/v1/tips/${tip.id}/dismissal`)
      .set(auth(named))
      .send({ reason: '再次' });
    expect(again).toMatchObject({ status: 409, body: { code: 'TIP_NOT_NEW' } });
    expect(again.headers['content-type']).toMatch(PROBLEM);
  });

  test('when a dismissal has no reason, names a tip in a case, or comes without an inspector token, then it is refused', async () => {
    const tip = await newTip();
    await expect(
      request(t.app).post(`/api/v1/tips/${tip.id}/dismissal`).set(auth(named)).send({ reason: '  ' }),
    ).resolves.toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    await expect(
      request(t.app).post(`/api/v1/tips/${tip.id}/dismissal`).set(auth(admin)).send({ reason: '无' }),
    ).resolves.toMatchObject({ status: 403 });
    await expect(
      request(t.app).post(`/api/v1/tips/${tip.id}/dismissal`).send({ reason: '无' }),
    ).resolves.toMatchObject({ status: 401 });
    await openCase(tip);
    await expect(
      request(t.app).post(`/api/v1/tips/${tip.id}/dismissal`).set(auth(named)).send({ reason: '无' }),
    ).resolves.toMatchObject({ status: 409, body: { code: 'TIP_NOT_NEW' } });
    await expect(
      request(t.app)
        .post('/api/v1/tips/AAAAAAAAAAAAAAAAAAAAAA/dismissal')
        .set(auth(named))
        .send({ reason: '无' }),
    ).resolves.toMatchObject({ status: 404, body: { code: 'TIP_NOT_FOUND' } });
  });
});

describe('evidence attachments', () => {
  test('when an inspector attaches a photo and a PDF, then the case lists them with the uploader’s name and they download byte for byte, audited', async () => {
    const id = await openCase();
    const photo = await upload(id, JPEG, '现场照片.png', named, 'image/png');
    // The type is what the bytes are, not the name or the header.
    expect(photo).toMatchObject({
      status: 201,
      body: { caseId: id, name: '现场照片.png', contentType: 'image/jpeg', size: JPEG.length },
    });
    const pdf = await upload(id, PDF, '询问笔录.pdf', other);
    expect(pdf).toMatchObject({ status: 201, body: { contentType: 'application/pdf' } });

    const view = await request(t.app).get(`/api/v1/cases/${id}`).set(auth(named));
    expect(view.body.attachments.map((a: { name: string }) => a.name)).toEqual([
      '现场照片.png',
      '询问笔录.pdf',
    ]);
    expect(view.body.refs.people[photo.body.uploadedBy]).toEqual({
      name: '李检查',
      unit: '沙坪坝区市场监督管理局',
    });
    expect(view.body.events.at(-1)).toMatchObject({
      action: 'attach',
      attachmentId: pdf.body.id,
      name: '询问笔录.pdf',
    });
    const list = await request(t.app).get(`/api/v1/cases/${id}/attachments`).set(auth(other));
    expect(list.body.items).toHaveLength(2);

    const got = await request(t.app)
      .get(`/api/v1/cases/${id}/attachments/${photo.body.id}`)
      .set(auth(other))
      .buffer(true)
      .parse((res, done) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => done(null, Buffer.concat(parts)));
      });
    expect(got.status).toBe(200);
    expect(got.headers).toMatchObject({
      'content-type': 'image/jpeg',
      'x-content-type-options': 'nosniff',
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent('现场照片.png')}`,
    });
    expect((got.body as Buffer).equals(JPEG)).toBe(true);

    const [entry] = await t.services.audit.forTarget('case', id, 1);
    expect(entry).toMatchObject({
      action: 'case.attach',
      change: {
        id: pdf.body.id,
        name: '询问笔录.pdf',
        contentType: 'application/pdf',
        sha256: pdf.body.sha256,
      },
    });
  });

  test('when a file is not a photo or PDF, empty, too large or badly named, then it is refused with its own code and nothing is stored', async () => {
    const id = await openCase();
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    await expect(upload(id, html, 'photo.jpg', named, 'image/jpeg')).resolves.toMatchObject({
      status: 415,
      body: { code: 'INVALID_ATTACHMENT' },
    });
    await expect(upload(id, Buffer.alloc(0), 'empty.pdf')).resolves.toMatchObject({
      status: 400,
      body: { code: 'ATTACHMENT_EMPTY' },
    });
    const big = Buffer.concat([PDF, Buffer.alloc(MAX_ATTACHMENT_BYTES)]);
    await expect(upload(id, big, 'big.pdf')).resolves.toMatchObject({
      status: 413,
      body: { code: 'ATTACHMENT_TOO_LARGE' },
    });
    await expect(upload(id, PDF, '../etc/passwd')).resolves.toMatchObject({
      status: 400,
      body: { code: 'INVALID_ATTACHMENT_NAME' },
    });
    await expect(
      request(t.app)
        .post(`/api/v1/cases/${id}/attachments`)
        .set(auth(named))
        .set('Content-Type', 'application/pdf')
        .send(PDF),
    ).resolves.toMatchObject({ status: 400, body: { code: 'INVALID_ATTACHMENT_NAME' } });
    await expect(
      request(t.app)
        .post(`/api/v1/cases/${id}/attachments?name=a.json`)
        .set(auth(named))
        .send({ base64: PDF.toString('base64') }),
    ).resolves.toMatchObject({ status: 415, body: { code: 'INVALID_ATTACHMENT' } });
    const view = await request(t.app).get(`/api/v1/cases/${id}`).set(auth(named));
    expect(view.body.attachments).toEqual([]);
  });

  test('when someone other than an inspector, or another case, asks for an attachment, then it is refused without telling whether it exists', async () => {
    const id = await openCase();
    const otherCase = await openCase();
    const stored = await upload(id, PDF, 'a.pdf');
    const path = `/api/v1/cases/${id}/attachments/${stored.body.id}`;
    await expect(request(t.app).get(path)).resolves.toMatchObject({ status: 401 });
    await expect(request(t.app).get(path).set(auth(admin))).resolves.toMatchObject({ status: 403 });
    await expect(upload(id, PDF, 'b.pdf', admin)).resolves.toMatchObject({ status: 403 });
    await expect(
      request(t.app).get(`/api/v1/cases/${otherCase}/attachments/${stored.body.id}`).set(auth(named)),
    ).resolves.toMatchObject({ status: 404, body: { code: 'ATTACHMENT_NOT_FOUND' } });
    await expect(
      request(t.app).get(`/api/v1/cases/${id}/attachments/not-an-id`).set(auth(named)),
    ).resolves.toMatchObject({ status: 400, body: { code: 'INVALID_ATTACHMENT_ID' } });
    await expect(
      request(t.app)
        .get(`/api/v1/cases/AAAAAAAAAAAAAAAAAAAAAA/attachments/${stored.body.id}`)
        .set(auth(named)),
    ).resolves.toMatchObject({ status: 404, body: { code: 'CASE_NOT_FOUND' } });
  });

  test('when a case is decided, then no attachment can be added, and those it has still download', async () => {
    const id = await openCase();
    const stored = await upload(id, PDF, 'a.pdf');
    await request(t.app)
      .patch(`/api/v1/cases/${id}`)
      .set(auth(named))
      .send({ action: 'decide', outcome: 'dismissed', facts: '经核实，不构成违法。' })
      .expect(200);
    await expect(upload(id, PDF, 'late.pdf')).resolves.toMatchObject({
      status: 409,
      body: { code: 'CASE_DECIDED' },
    });
    await request(t.app)
      .get(`/api/v1/cases/${id}/attachments/${stored.body.id}`)
      .set(auth(named))
      .expect(200);
  });
});
