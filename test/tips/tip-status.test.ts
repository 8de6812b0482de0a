import request from 'supertest';
import { todayInChina } from '../../server/platform/china-time';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let inspector: string;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A tiny valid PNG (1×1): the photo a tip may carry. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const CONTACT = '微信 secret-contact-123';
const DESCRIPTION = '证书上的公司名称与营业执照不一致，疑似变造。';

/** Sends a tip through the API; its reference and (read as an inspector) its id. */
async function sendTip(): Promise<{ reference: string; id: string }> {
  const sent = await request(t.app)
    .post('/api/v1/tips')
    .send({
      category: 'altered',
      description: DESCRIPTION,
      contact: CONTACT,
      place: '沙坪坝区某商场',
      photo: { contentType: 'image/png', base64: PNG.toString('base64') },
    });
  expect(sent.status).toBe(201);
  const list = await request(t.app).get('/api/v1/tips?pageSize=50').set(auth(inspector));
  const tip = list.body.items.find((x: { reference: string }) => x.reference === sent.body.reference);
  return { reference: sent.body.reference, id: tip.id };
}

const status = (reference: string) => request(t.app).get('/api/v1/tips/status').query({ reference });

async function openCase(tipId: string): Promise<string> {
  const res = await request(t.app)
    .post('/api/v1/cases')
    .set(auth(inspector))
    .send({ title: '疑似变造证书', tipIds: [tipId] });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

beforeAll(async () => {
  t = createTestApp();
  inspector = await t.tokenFor('inspector');
});
afterAll(() => t.close());

describe('GET /api/v1/tips/status', () => {
  test('when a fresh tip is asked about by its reference, then only its state and receipt date come back, nothing of its contents', async () => {
    const { reference, id } = await sendTip();
    const res = await status(reference);
    expect(res).toMatchObject({ status: 200, headers: { 'cache-control': 'no-store' } });
    // Exactly these keys: no id, category, description, contact, place, photo, case or network hash.
    expect(res.body).toEqual({ reference, state: 'received', receivedOn: todayInChina() });
    for (const secret of [id, CONTACT, DESCRIPTION, '沙坪坝区某商场', 'networkHash', 'caseId', 'hasPhoto']) {
      expect(res.text).not.toContain(secret);
    }
  });

  test('when the reference is typed loosely (lower case, spaces, full width, O for 0 and I or L for 1), then it is found', async () => {
    const { reference } = await sendTip();
    const random = reference.slice(11);
    const loose = ` t-${reference.slice(2, 10)}-${random.replace(/0/g, 'o').replace(/1/g, 'l').toLowerCase()} `;
    await expect(status(loose)).resolves.toMatchObject({ status: 200, body: { reference } });
    const fullWidth = reference.replace(/[0-9A-Z-]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    await expect(status(fullWidth)).resolves.toMatchObject({ status: 200, body: { reference } });
  });

  test('when its tip is taken into a case, then it is under review; when the case is decided, closed on that day', async () => {
    const { reference, id } = await sendTip();
    const caseId = await openCase(id);
    await expect(status(reference)).resolves.toMatchObject({
      status: 200,
      body: { state: 'under-review', receivedOn: todayInChina() },
    });
    expect((await status(reference)).body).not.toHaveProperty('closedOn');
    const decided = await request(t.app)
      .patch(`/api/v1/cases/${caseId}`)
      .set(auth(inspector))
      .send({ action: 'decide', outcome: 'dismissed', facts: '经核实，证书真实有效。' });
    expect(decided.status).toBe(200);
    const res = await status(reference);
    expect(res.body).toEqual({ reference, state: 'closed', receivedOn: todayInChina() });
    expect(res.text).not.toContain(caseId);
    expect(res.text).not.toContain('经核实');
  });

  test('when a case with the tip is confirmed, then the tip reads closed with the date of the decision', async () => {
    const { reference, id } = await sendTip();
    const caseId = await openCase(id);
    const decided = await request(t.app).patch(`/api/v1/cases/${caseId}`).set(auth(inspector)).send({
      action: 'decide',
      outcome: 'confirmed',
      basis: '《中华人民共和国认证认可条例》第七十一条',
      facts: '经核实，该证书的持证组织名称系变造。',
    });
    expect(decided.status).toBe(200);
    const res = await status(reference);
    expect(res.body).toEqual({
      reference,
      state: 'closed',
      receivedOn: todayInChina(),
      closedOn: todayInChina(Date.parse(decided.body.decision.decidedAt)),
    });
  });

  test('when a well-formed reference belongs to no tip, then 404 TIP_REFERENCE_NOT_FOUND, the same answer whatever its date says', async () => {
    const { reference } = await sendTip();
    const answers: string[] = [];
    for (const unknown of [
      `${reference.slice(0, 11)}${reference[11] === 'Z' ? 'Y' : 'Z'}${reference.slice(12)}`, // today's date, one character changed
      'T-20200101-7KQ2M9XD', // a day long past
      'T-29991231-7KQ2M9XD', // a day to come
      'T-20261399-7KQ2M9XD', // no such day
    ]) {
      const res = await status(unknown);
      expect(res).toMatchObject({ status: 404, body: { code: 'TIP_REFERENCE_NOT_FOUND' } });
      // `instance` names the request itself; everything else must be the same.
      answers.push(JSON.stringify({ ...res.body, instance: undefined }));
    }
    // One shape and one text for all: nothing tells "this day had reports" from "this day had none".
    expect(new Set(answers).size).toBe(1);
  });

  test.each([
    ['an empty reference', { reference: '' }, 'INVALID_TIP_REFERENCE'],
    ['a tip id instead', { reference: 'AbCdEfGhIjKlMnOpQrStUv' }, 'INVALID_TIP_REFERENCE'],
    ['a U in the random part', { reference: 'T-20261203-7KQ2M9XU' }, 'INVALID_TIP_REFERENCE'],
    ['seven random characters', { reference: 'T-20261203-7KQ2M9X' }, 'INVALID_TIP_REFERENCE'],
    ['a wildcard', { reference: 'T-20261203-%' }, 'INVALID_TIP_REFERENCE'],
    ['a control character', { reference: 'T-20261203-7KQ2M9X\u0000' }, 'INVALID_TIP_REFERENCE'],
    ['no reference', {}, 'INVALID_TIP_REFERENCE'],
    ['an operator object', { 'reference[$ne]': 'x' }, 'INVALID_QUERY'],
    ['another parameter', { reference: 'T-20261203-7KQ2M9XD', id: 'x' }, 'INVALID_QUERY'],
  ])('when the query has %s, then it is a 400 with a stable code', async (_label, query, code) => {
    const res = await request(t.app).get('/api/v1/tips/status').query(query);
    expect(res).toMatchObject({ status: 400, body: { code } });
  });

  test('when the status is asked without a token, then it is answered; the tip itself stays closed to the public', async () => {
    const { reference, id } = await sendTip();
    await expect(status(reference)).resolves.toMatchObject({ status: 200 });
    await expect(request(t.app).get(`/api/v1/tips/${id}`)).resolves.toMatchObject({ status: 401 });
  });
});

describe('GET /api/v1/tips/status: rate limit', () => {
  test('when a client asks more often than the tip limit, then 429 with Retry-After, shared with sending tips', async () => {
    const limited = createTestApp({ env: { TIP_RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const ask = () =>
        request(limited.app).get('/api/v1/tips/status').query({ reference: 'T-20261203-7KQ2M9XD' });
      for (let i = 0; i < 2; i += 1) await expect(ask()).resolves.toMatchObject({ status: 404 });
      const sent = await request(limited.app)
        .post('/api/v1/tips')
        .send({ category: 'other', description: DESCRIPTION });
      expect(sent.status).toBe(201);
      const refused = await ask();
      expect(refused).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});

describe('GET /report/status (page)', () => {
  test('when the form is opened, then it asks for the reference and says the reference must be kept private', async () => {
    const res = await request(t.app).get('/report/status');
    expect(res).toMatchObject({ status: 200, type: 'text/html' });
    expect(res.text).toContain('<form method="get" action="/report/status"');
    expect(res.text).toContain('任何持有受理编号的人都能查看进度');
  });

  test('when a reference is sent, then the page shows its state and dates and nothing of the tip', async () => {
    const { reference, id } = await sendTip();
    const res = await request(t.app)
      .get('/report/status')
      .query({ reference: reference.toLowerCase(), lang: 'en' });
    expect(res).toMatchObject({ status: 200, type: 'text/html' });
    expect(res.text).toContain('<strong id="tip-state">Received</strong>');
    expect(res.text).toContain(`Received on</dt><dd>${todayInChina()}</dd>`);
    for (const secret of [id, CONTACT, DESCRIPTION]) expect(res.text).not.toContain(secret);
    // The language switch keeps the question.
    expect(res.text).toContain(
      `href="/report/status?reference=${encodeURIComponent(reference.toLowerCase())}&amp;lang=zh"`,
    );
  });

  test.each([
    ['malformed', 'T-123', 400, 'INVALID_TIP_REFERENCE', '受理编号格式不正确'],
    ['unknown', 'T-20261203-7KQ2M9XD', 404, 'TIP_REFERENCE_NOT_FOUND', '没有这个受理编号的举报'],
  ])(
    'when the reference is %s, then the form says so with the text typed kept',
    async (_l, reference, code, status, text) => {
      const res = await request(t.app).get('/report/status').query({ reference });
      expect(res).toMatchObject({ status: code, type: 'text/html' });
      expect(res.text).toContain(`data-code="${status}"`);
      expect(res.text).toContain(text);
      expect(res.text).toContain(`value="${reference}"`);
      expect(res.text).toContain('aria-invalid="true"');
    },
  );

  test('when a report is sent through the form, then the confirmation links to its status page', async () => {
    const res = await request(t.app)
      .post('/report')
      .type('form')
      .send({ category: 'forged', description: DESCRIPTION });
    expect(res.status).toBe(201);
    const reference = /id="reference">(T-\d{8}-[0-9A-Z]{8})</.exec(res.text)?.[1] as string;
    expect(reference).toBeDefined();
    expect(res.text).toContain(`href="/report/status?reference=${reference}"`);
    expect(res.text).toContain('<script src="/assets/app.js" defer></script>');
    const page = await request(t.app).get(`/report/status?reference=${reference}`);
    expect(page.text).toContain('<strong id="tip-state">已受理</strong>');
  });
});
