/**
 * Tips are moved by compare-and-set: two inspectors dismissing one tip, or one dismissing it while
 * another opens a case from it, never both succeed, and the tip ends in the winner's state. The races are
 * made certain, not hoped for: the tip store holds every read of the tip until both requests have read
 * it (both saw it new), and lets the writes through in the order the test names.
 */
import request from 'supertest';
import type { Case } from '../../server/cases/case-schema';
import type { Certificate } from '../../server/certificates/certificate-schema';
import type { TipRepository } from '../../server/tips/tip-repository';
import type { Tip, TipState } from '../../server/tips/tip-schema';
import { seedBody, seedCertificate } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { submitTip } from '../helpers/tips';

let t: TestApp;
let cert: Certificate;
let first: string;
let second: string;

beforeAll(async () => {
  t = createTestApp();
  const body = await seedBody(t.services);
  cert = await seedCertificate(t.services, { bodyCode: body.code });
  first = await t.tokenFor('inspector');
  second = await t.tokenFor('inspector');
});
afterAll(async () => {
  await t.close();
});

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

const newTip = () => submitTip(t.app, cert.publicId, first);

const dismiss = (tip: Tip, token: string) =>
  request(t.app).post(`/api/v1/tips/${tip.id}/dismissal`).set(auth(token)).send({ reason: '内容重复。' });

const openCase = (tip: Tip, token: string) =>
  request(t.app)
    .post('/api/v1/cases')
    .set(auth(token))
    .send({ title: '竞争测试', tipIds: [tip.id] });

const tipNow = async (tip: Tip): Promise<Tip> =>
  (await request(t.app).get(`/api/v1/tips/${tip.id}`).set(auth(first))).body as Tip;

/** The cases (any state) holding the tip. */
async function casesHolding(tip: Tip): Promise<Case[]> {
  const list = await request(t.app).get('/api/v1/cases?pageSize=100').set(auth(first));
  return (list.body.items as Case[]).filter((c) => c.tipIds.includes(tip.id));
}

/**
 * Until `undo`: reads of the tip wait until `readers` of them have come (each request read it new), and
 * moves of it wait their turn in `order` (by the state they move it to).
 */
function stage(tip: Tip, readers: number, order: TipState[] = []): { undo(): void } {
  const repo: TipRepository = t.stores.tips;
  const { findById, setState } = repo;
  let arrived = 0;
  let releaseReads!: () => void;
  const allRead = new Promise<void>((resolve) => (releaseReads = resolve));
  const turns = order.map(() => {
    let done!: () => void;
    return { done: new Promise<void>((resolve) => (done = resolve)), finish: () => done() };
  });
  repo.findById = async (id) => {
    if (id === tip.id && arrived < readers) {
      arrived += 1;
      if (arrived === readers) releaseReads();
      await allRead;
    }
    return findById(id);
  };
  repo.setState = async (ids, state, move) => {
    const turn = ids.includes(tip.id) ? order.indexOf(state) : -1;
    if (turn > 0) await turns[turn - 1]?.done;
    try {
      return await setState(ids, state, move);
    } finally {
      if (turn >= 0) turns[turn]?.finish();
    }
  };
  return {
    undo() {
      repo.findById = findById;
      repo.setState = setState;
    },
  };
}

/** Starts two requests at once while the tip is staged (see `stage`), and gives their answers in order. */
async function race<R>(
  tip: Tip,
  order: TipState[],
  a: () => PromiseLike<R>,
  b: () => PromiseLike<R>,
): Promise<[R, R]> {
  const staged = stage(tip, 2, order);
  try {
    return await Promise.all([a(), b()]);
  } finally {
    staged.undo();
  }
}

describe('dismissals racing', () => {
  test('when two inspectors dismiss the same new tip at once, then exactly one gets 200 and the other 409 TIP_NOT_NEW', async () => {
    const tip = await newTip();
    const answers = await race(
      tip,
      [],
      () => dismiss(tip, first),
      () => dismiss(tip, second),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.status === 409)?.body).toMatchObject({
      code: 'TIP_NOT_NEW',
      state: 'dismissed',
    });
    expect(await tipNow(tip)).toMatchObject({ state: 'dismissed' });
    // One dismissal is on record, not two.
    const entries = await t.services.audit.forTarget('tip', tip.id, 10);
    expect(entries.filter((e) => e.action === 'tip.dismiss')).toHaveLength(1);
  });
});

describe('a dismissal racing a case', () => {
  test('when the dismissal writes first, then the case is refused with 409 TIP_CHANGED and no case holds the tip', async () => {
    const tip = await newTip();
    const [dismissal, opened] = await race(
      tip,
      ['dismissed', 'in-case'],
      () => dismiss(tip, first),
      () => openCase(tip, second),
    );
    expect(dismissal.status).toBe(200);
    expect(opened).toMatchObject({ status: 409, body: { code: 'TIP_CHANGED', state: 'dismissed' } });
    expect(await tipNow(tip)).toEqual({ ...tip, state: 'dismissed' });
    expect(await casesHolding(tip)).toEqual([]);
  });

  test('when the case takes the tip first, then the dismissal is refused with 409 TIP_NOT_NEW and the tip is in that case', async () => {
    const tip = await newTip();
    const [dismissal, opened] = await race(
      tip,
      ['in-case', 'dismissed'],
      () => dismiss(tip, first),
      () => openCase(tip, second),
    );
    expect(opened.status).toBe(201);
    expect(dismissal).toMatchObject({ status: 409, body: { code: 'TIP_NOT_NEW', state: 'in-case' } });
    expect(await tipNow(tip)).toEqual({ ...tip, state: 'in-case', caseId: opened.body.id });
    expect((await casesHolding(tip)).map((c) => c.id)).toEqual([opened.body.id]);
    const entries = await t.services.audit.forTarget('tip', tip.id, 10);
    expect(entries.filter((e) => e.action === 'tip.dismiss')).toEqual([]);
  });

  test('when a dismissal and a case race without any staging, then exactly one wins and the tip is in its state', async () => {
    const tip = await newTip();
    const [dismissal, opened] = await Promise.all([dismiss(tip, first), openCase(tip, second)]);
    expect([dismissal.status, opened.status].sort()).toEqual(
      dismissal.status === 200 ? [200, 409] : [201, 409],
    );
    const now = await tipNow(tip);
    const holding = await casesHolding(tip);
    if (dismissal.status === 200) {
      expect(now.state).toBe('dismissed');
      expect(holding).toEqual([]);
    } else {
      expect(now).toMatchObject({ state: 'in-case', caseId: opened.body.id });
      expect(holding.map((c) => c.id)).toEqual([opened.body.id]);
    }
  });
});

describe('a case and its tips', () => {
  test('when a tip was dismissed, then no case can be opened from it nor link it: 409 TIP_NOT_NEW', async () => {
    const tip = await newTip();
    await dismiss(tip, first).expect(200);
    await expect(openCase(tip, second)).resolves.toMatchObject({
      status: 409,
      body: { code: 'TIP_NOT_NEW', state: 'dismissed' },
    });
    const other = await request(t.app)
      .post('/api/v1/cases')
      .set(auth(second))
      .send({ title: '另一案件', publicIds: [cert.publicId] });
    expect(other.status).toBe(201);
    await expect(
      request(t.app)
        .patch(`/api/v1/cases/${other.body.id}`)
        .set(auth(second))
        .send({ action: 'link', tipIds: [tip.id] }),
    ).resolves.toMatchObject({ status: 409, body: { code: 'TIP_NOT_NEW' } });
    expect(await tipNow(tip)).toEqual({ ...tip, state: 'dismissed' });
    expect(await casesHolding(tip)).toEqual([]);
  });

  test('when the case cannot be written, then the tips it took go back to new and can still be dismissed', async () => {
    const tip = await newTip();
    const cases = t.stores.cases;
    const { create } = cases;
    cases.create = () => Promise.reject(new Error('the case store refused the write'));
    let opened;
    try {
      opened = await openCase(tip, first);
    } finally {
      cases.create = create;
    }
    expect(opened.status).toBeGreaterThanOrEqual(500);
    expect(await tipNow(tip)).toEqual(tip);
    expect(await casesHolding(tip)).toEqual([]);
    await dismiss(tip, second).expect(200);
  });
});
