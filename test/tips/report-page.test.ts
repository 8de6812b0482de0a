import request from 'supertest';
import type { Certificate } from '../../server/certificates/certificate-schema';
import type { Tip } from '../../server/tips/tip-schema';
import { creditCode, seedBody, seedCertificate } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

const TIP_LIMIT = 4;
let t: TestApp;
let cert: Certificate;

beforeAll(async () => {
  t = createTestApp({ env: { TIP_RATE_LIMIT_PER_MINUTE: String(TIP_LIMIT), TRUST_PROXY: '1' } });
  const body = await seedBody(t.services);
  cert = await seedCertificate(t.services, {
    bodyCode: body.code,
    holder: { name: '重庆沙坪坝表单测试有限公司', creditCode: creditCode() },
  });
});
afterAll(() => t.close());

/** Each test reports from its own address, so the per-client tip budget is its own. */
let nextClient = 1;
const client = () => `198.51.100.${nextClient++}`;

function post(form: Record<string, string>, address = client(), query = '') {
  return request(t.app).post(`/report${query}`).set('X-Forwarded-For', address).type('form').send(form);
}

async function storedTip(reference: string): Promise<Tip | undefined> {
  const { items } = await t.services.tips.list({ page: 1, pageSize: 100 });
  return items.find((tip) => tip.reference === reference);
}

const REFERENCE = /<strong class="code reference" id="reference">(T-\d{8}-[0-9A-Z]{8})<\/strong>/;

describe('the report link', () => {
  test('when a result page is shown, then it links to the report form about its certificate', async () => {
    const res = await request(t.app).get(`/v/${cert.publicId}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(
      `<a class="report-link" href="/report?publicId=${cert.publicId}">举报问题</a>`,
    );
    const en = await request(t.app).get(`/v/${cert.publicId}?lang=en`);
    expect(en.text).toContain(
      `<a class="report-link" href="/report?publicId=${cert.publicId}&amp;lang=en">Report a problem</a>`,
    );
  });

  test('when a lookup finds nothing, then the answer links to the form with the number, the body and "not in the registry"', async () => {
    const res = await request(t.app).get('/lookup?number=FAKE-0001&body=CQC');
    expect(res.status).toBe(404);
    expect(res.text).toContain(
      '<a class="report-link" href="/report?number=FAKE-0001&amp;body=CQC&amp;category=not-in-registry">举报问题</a>',
    );
  });

  test('when a /v/ link matches nothing, then the answer links to the form with that id', async () => {
    const missing = 'AAAAAAAAAAAAAAAAAAAAAA';
    const res = await request(t.app).get(`/v/${missing}`);
    expect(res.status).toBe(404);
    expect(res.text).toContain(`href="/report?publicId=${missing}&amp;category=not-in-registry"`);
  });
});

describe('GET /report', () => {
  test('when opened from a result page, then a Chinese form names the certificate and carries its id, under the strict CSP', async () => {
    const res = await request(t.app).get(`/report?publicId=${cert.publicId}`);
    expect(res).toMatchObject({ status: 200, type: 'text/html' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(String(res.headers['content-security-policy'])).toMatch(/script-src 'self'/);
    expect(String(res.headers['content-security-policy'])).toMatch(/form-action 'self'/);
    expect(res.text).toContain('<html lang="zh-CN">');
    expect(res.text).toContain(`举报的证书：${cert.number}（持证组织：重庆沙坪坝表单测试有限公司）`);
    expect(res.text).toContain(`<input type="hidden" name="publicId" value="${cert.publicId}">`);
    expect(res.text).toContain('<form method="post" action="/report"');
    for (const category of ['forged', 'altered', 'misused', 'not-in-registry', 'other']) {
      expect(res.text).toContain(
        `<input type="radio" id="category-${category}" name="category" value="${category}"`,
      );
    }
    expect(res.text).toMatch(/<label for="description">您看到了什么<\/label>/);
    expect(res.text).toMatch(/<label for="contact">联系方式<span class="muted">（选填）<\/span><\/label>/);
    // A form that works without JavaScript: no inline script or handler, only the deferred page script
    // (which makes a phone photo fit the limit when it runs).
    expect(res.text).not.toMatch(
      /<script(?! src="\/assets\/app\.js" defer><\/script>)|\sstyle=|\son[a-z]+=/i,
    );
    expect(res.text).toContain('<script src="/assets/app.js" defer></script>');
  });

  test('when English is asked for, then the form is English and posts back in English', async () => {
    const res = await request(t.app).get(`/report?publicId=${cert.publicId}&lang=en`);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('<h1>Report a problem certificate</h1>');
    expect(res.text).toContain('<form method="post" action="/report?lang=en"');
    expect(res.text).toMatch(/<a class="lang-switch" href="\/report\?publicId=[\w-]{22}&amp;lang=zh"/);
  });

  test('when opened from a failed lookup, then the number and body are filled in and the category chosen', async () => {
    const res = await request(t.app).get('/report?number=FAKE-0002&body=CQC&category=not-in-registry');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/id="certificateNumber"[^>]*value="FAKE-0002"/);
    expect(res.text).toMatch(/id="bodyCode"[^>]*value="CQC"/);
    expect(res.text).toMatch(/id="category-not-in-registry"[^>]*required checked/);
    expect(res.text).not.toContain('name="publicId"');
  });

  test('when the id of the link is malformed or unknown, then the form still opens (a malformed id is dropped)', async () => {
    const malformed = await request(t.app).get('/report?publicId=%3Cscript%3E');
    expect(malformed.status).toBe(200);
    expect(malformed.text).not.toContain('name="publicId"');
    expect(malformed.text).not.toContain('<script>');
    const unknown = await request(t.app).get('/report?publicId=BBBBBBBBBBBBBBBBBBBBBB');
    expect(unknown.text).toContain('举报的证书链接在登记库中查不到。');
    expect(unknown.text).toContain('name="publicId" value="BBBBBBBBBBBBBBBBBBBBBB"');
  });
});

describe('POST /report', () => {
  test('when a complete report is sent, then the reference is shown, the tip is stored with its certificate, and it is audited without the contact', async () => {
    const res = await post({
      publicId: cert.publicId,
      category: 'forged',
      certificateNumber: '',
      bodyCode: '',
      description: '展会上看到的这张证书认证范围与登记库不一致。',
      place: '重庆国际博览中心',
      contact: '13800000000',
    });
    expect(res).toMatchObject({ status: 201, type: 'text/html' });
    expect(res.headers['cache-control']).toBe('no-store');
    const reference = REFERENCE.exec(res.text)?.[1] as string;
    expect(reference).toBeDefined();
    expect(res.text).toContain('举报已收到');
    expect(res.text).toContain(`href="/v/${cert.publicId}">返回查验结果</a>`);
    expect(res.text).not.toContain('13800000000');

    const tip = await storedTip(reference);
    expect(tip).toMatchObject({
      category: 'forged',
      publicId: cert.publicId,
      certificateNumber: cert.number,
      description: '展会上看到的这张证书认证范围与登记库不一致。',
      place: '重庆国际博览中心',
      contact: '13800000000',
      hasPhoto: false,
      state: 'new',
      certificate: { publicId: cert.publicId, holderName: '重庆沙坪坝表单测试有限公司' },
    });
    const audit = await t.services.audit.forTarget('tip', tip!.id, 10);
    expect(audit.map((e) => e.action)).toEqual(['tip.submit']);
    expect(JSON.stringify(audit)).not.toContain('13800000000');
  });

  test('when the description is too short and no category is chosen, then the form comes back (400) with both errors in Chinese, the values kept, and nothing stored', async () => {
    const before = (await t.services.tips.list({ page: 1, pageSize: 1 })).total;
    const res = await post({
      publicId: cert.publicId,
      description: '太短了',
      place: '<b>商场</b>',
    });
    expect(res).toMatchObject({ status: 400, type: 'text/html' });
    expect(res.text).toContain('<div class="error-summary" role="alert"');
    expect(res.text).toContain('<li><a href="#category-forged">请选择问题类型。</a></li>');
    expect(res.text).toContain('<li><a href="#description">请描述您看到的问题，10 至 2000 字。</a></li>');
    expect(res.text).toMatch(
      /<textarea id="description"[^>]*aria-describedby="description-hint description-error" aria-invalid="true">太短了<\/textarea>/,
    );
    expect(res.text).toContain('<p class="field-error" id="description-error">');
    // Kept, and escaped.
    expect(res.text).toContain('value="&lt;b&gt;商场&lt;/b&gt;"');
    expect(res.text).not.toContain('<b>商场</b>');
    expect(res.text).toContain(`<input type="hidden" name="publicId" value="${cert.publicId}">`);
    expect((await t.services.tips.list({ page: 1, pageSize: 1 })).total).toBe(before);
  });

  test('when the form is in English, then its errors are in English', async () => {
    const res = await post(
      { category: 'other', description: 'short', bodyCode: 'not a code!' },
      client(),
      '?lang=en',
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('The report was not sent. Correct the following:');
    expect(res.text).toContain(
      '<a href="#bodyCode">The certifying body code is not valid (2 to 32 letters, digits or -).</a>',
    );
    expect(res.text).toMatch(/id="category-other"[^>]*required checked/);
  });

  test('when a report of a number not in the registry is sent without a certificate link, then it is received', async () => {
    const res = await post({
      category: 'not-in-registry',
      certificateNumber: 'fake-0003',
      bodyCode: 'cqc',
      description: '供应商提供的证书编号在本平台查不到。',
    });
    expect(res.status).toBe(201);
    const tip = await storedTip(REFERENCE.exec(res.text)?.[1] as string);
    expect(tip).toMatchObject({
      category: 'not-in-registry',
      certificateNumber: 'FAKE-0003',
      bodyCode: 'CQC',
    });
    expect(tip?.certificate).toBeUndefined();
    expect(res.text).toContain('<a href="/">返回首页</a>');
  });

  test('when a field the form does not have is posted, then it is ignored, not an error', async () => {
    const res = await post({
      category: 'other',
      description: '页面上多出来的字段不影响举报。',
      photo: 'x',
      lang: 'en',
    });
    expect(res.status).toBe(201);
  });

  test('when the body is larger than a report can be, then 413 as a page in the page language', async () => {
    const res = await post({ category: 'other', description: '很'.repeat(20_000) });
    expect(res).toMatchObject({ status: 413, type: 'text/html' });
    expect(res.text).toContain('data-code="PAYLOAD_TOO_LARGE"');
    expect(res.text).toContain('提交的内容过大。');
  });

  test('when one client sends more reports than the tip budget, then 429 as a page with Retry-After, and other clients are not affected', async () => {
    const noisy = client();
    const form = { category: 'other', description: '同一来源的连续举报用于测试限流。' };
    for (let i = 0; i < TIP_LIMIT; i += 1) expect((await post(form, noisy)).status).toBe(201);
    const limited = await post(form, noisy);
    expect(limited).toMatchObject({ status: 429, type: 'text/html' });
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.text).toContain('data-code="RATE_LIMITED"');
    expect((await post(form)).status).toBe(201);
    // Reading the form is not a submission: it stays open to the limited client.
    await request(t.app).get('/report').set('X-Forwarded-For', noisy).expect(200);
  });
});

describe('POST /report with a photo (multipart/form-data, as the form sends it)', () => {
  /** A real 1×1 PNG. */
  const PNG = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  );
  const fields = {
    publicId: '',
    category: 'forged',
    description: '商场展示的证书照片看起来是伪造的，编号无法查到。',
  };
  function postWithPhoto(photo: { data: Buffer; type: string; name?: string } | undefined, query = '') {
    const req = request(t.app).post(`/report${query}`).set('X-Forwarded-For', client());
    for (const [name, value] of Object.entries({ ...fields, publicId: cert.publicId }))
      req.field(name, value);
    return photo
      ? req.attach('photo', photo.data, { filename: photo.name ?? 'photo.png', contentType: photo.type })
      : req.attach('photo', Buffer.alloc(0), { filename: '', contentType: 'application/octet-stream' });
  }

  test('when a PNG photo comes with the report, then the tip keeps it and an inspector can see it', async () => {
    const res = await postWithPhoto({ data: PNG, type: 'image/png' });

    expect(res.status).toBe(201);
    const reference = REFERENCE.exec(res.text)?.[1] as string;
    const tip = await storedTip(reference);
    expect(tip).toMatchObject({ hasPhoto: true, publicId: cert.publicId, category: 'forged' });
    const inspector = await t.tokenFor('inspector');
    const photo = await request(t.app)
      .get(`/api/v1/tips/${tip?.id}/photo`)
      .set('Authorization', `Bearer ${inspector}`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(photo.status).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(photo.body as Buffer, PNG)).toBe(0);
  });

  test('when the photo field is left empty, then the report is received without a photo', async () => {
    const res = await postWithPhoto(undefined);
    expect(res.status).toBe(201);
    expect(await storedTip(REFERENCE.exec(res.text)?.[1] as string)).toMatchObject({ hasPhoto: false });
  });

  test.each([
    ['a text file named .png', { data: Buffer.from('not an image at all'), type: 'image/png' }, 400],
    ['an iPhone HEIC photo', { data: PNG, type: 'image/heic', name: 'IMG_0001.HEIC' }, 400],
    ['a PNG over 1 MB', { data: Buffer.concat([PNG, Buffer.alloc(1024 * 1024)]), type: 'image/png' }, 413],
  ])(
    'when %s is sent, then the form comes back with the photo error, the text kept, and nothing stored',
    async (_what, photo, status) => {
      const before = (await t.services.tips.list({ page: 1, pageSize: 100 })).total;

      const res = await postWithPhoto(photo, '?lang=en');

      expect(res.status).toBe(status);
      expect(res.text).toContain(
        'The photo must be a JPEG, PNG or WebP image of at most 1 MB; choose it again.',
      );
      expect(res.text).toContain('aria-invalid="true"');
      expect(res.text).toContain(fields.description);
      expect((await t.services.tips.list({ page: 1, pageSize: 100 })).total).toBe(before);
    },
  );

  test('when the multipart body is malformed, then 400 as a page, nothing stored', async () => {
    const res = await request(t.app)
      .post('/report')
      .set('X-Forwarded-For', client())
      .set('Content-Type', 'multipart/form-data; boundary=xyz')
      .send('--xyz\r\nContent-Disposition: form-data; name="category"\r\n\r\nforged\r\n--xyz-- garbage');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });
});
