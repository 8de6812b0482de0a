import { randomInt } from 'node:crypto';
import {
  MAX_AUDIT_DAYS,
  type CertificateFilters,
  type CertificateRepository,
} from '../../server/certificates/certificate-repository';
import type { Certificate, CertificateInput } from '../../server/certificates/certificate-schema';
import { creditCode, makeCertificate, unique } from '../helpers/factories';

export interface CertificateRepositoryHarness {
  name: string;
  /** A repository on a store of its own; `close` releases it and removes what the run stored. */
  open(): Promise<{ repo: CertificateRepository; close(): Promise<void> }>;
  options: {
    /** The shape of the adapter's internal `id` (a SQLite rowid, a MongoDB ObjectId). */
    idPattern: RegExp;
  };
}

const PUBLIC_ID = /^[A-Za-z0-9_-]{22}$/;

/** `n` random CJK ideographs: a holder-name fragment that no other test's data contains. */
function han(n: number): string {
  let s = '';
  for (let i = 0; i < n; i += 1) s += String.fromCodePoint(0x4e00 + randomInt(0x9fa5 - 0x4e00));
  return s;
}

/** Distinct ISO timestamps, later with each call, so that "which write" is visible in the record. */
let clock = Date.parse('2026-03-01T00:00:00.000Z');
function at(): string {
  clock += 1000;
  return new Date(clock).toISOString();
}

/** A report for a holder with this name (everything else unique). */
function named(name: string, overrides: Partial<CertificateInput> = {}) {
  return makeCertificate({ holder: { name, creditCode: creditCode() }, ...overrides });
}

const publicIds = (certs: Certificate[]) => certs.map((c) => c.publicId);

/** The behaviour every `CertificateRepository` adapter must have; each adapter's test file calls this. */
export function certificateRepositoryContract(harness: CertificateRepositoryHarness): void {
  describe(`CertificateRepository contract: ${harness.name}`, () => {
    let repo: CertificateRepository;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ repo, close } = await harness.open());
    });
    afterAll(async () => {
      await close();
    });

    describe('upsert', () => {
      test('when a certificate is new, then it is created with a fresh identity and one history entry', async () => {
        const data = makeCertificate();
        const t = at();
        const { outcome, certificate } = await repo.upsert(data, t);
        expect(outcome).toBe('created');
        expect(certificate).toMatchObject({ ...data, createdAt: t, updatedAt: t });
        expect(certificate.id).toMatch(harness.options.idPattern);
        expect(certificate.publicId).toMatch(PUBLIC_ID);
        expect(certificate.statusHistory).toEqual([{ status: 'valid', date: data.issueDate, recordedAt: t }]);
        // What was stored is exactly what was returned: no backend field leaks out, none is lost.
        await expect(repo.findByPublicId(certificate.publicId)).resolves.toEqual(certificate);
      });

      test('when every optional field is reported, then all of them come back as reported', async () => {
        const data = makeCertificate({
          holder: {
            name: `全字段${han(3)}有限公司`,
            creditCode: creditCode(),
            address: '重庆市沙坪坝区',
            employees: 120,
          },
          productModels: ['XJ-100', 'XJ-200'],
          industryCodes: ['18.01.02'],
          sites: [{ name: '一厂', address: '重庆市沙坪坝区一号' }, { address: '重庆市璧山区二号' }],
          status: 'suspended',
          statusReason: '监督审核逾期',
          statusDate: '2025-06-01',
          audit: {
            startDate: '2025-01-06',
            endDate: '2025-01-08',
            manDays: 4.5,
            auditors: [
              { name: '张伟', registrationNumber: '2025-N1QMS-1234567', role: 'leader' },
              { name: '李娜', registrationNumber: '2025-N1QMS-7654321' },
            ],
            type: 'recertification',
          },
        });
        const { certificate } = await repo.upsert(data, at());
        const found = await repo.findByPublicId(certificate.publicId);
        expect(found).toEqual(certificate);
        expect(found).toMatchObject(data);
        expect(found?.statusHistory).toEqual([
          expect.objectContaining({ status: 'suspended', reason: '监督审核逾期', date: '2025-06-01' }),
        ]);
      });

      test('when a certificate has no optional fields, then none appears on it (not even empty)', async () => {
        const data = makeCertificate({
          audit: undefined,
          holder: { name: `最少${han(3)}`, creditCode: creditCode() },
        });
        const { certificate } = await repo.upsert(data, at());
        const found = (await repo.findByPublicId(certificate.publicId)) as Certificate;
        for (const field of [
          'productModels',
          'industryCodes',
          'sites',
          'statusReason',
          'statusDate',
          'audit',
        ] as const) {
          expect(found[field]).toBeUndefined();
        }
        expect(found.holder.address).toBeUndefined();
      });

      test('when the same data is reported again, then it is unchanged and nothing is written', async () => {
        const data = makeCertificate();
        const first = await repo.upsert(data, at());
        const again = await repo.upsert(structuredClone(data), at());
        expect(again).toEqual({ outcome: 'unchanged', certificate: first.certificate });
        const stored = await repo.findByPublicId(first.certificate.publicId);
        expect(stored?.updatedAt).toBe(first.certificate.updatedAt);
        expect(stored).toEqual(first.certificate);
      });

      test('when the same data comes with its keys in another order, then it is still unchanged', async () => {
        const data = makeCertificate();
        const first = await repo.upsert(data, at());
        const reordered = Object.fromEntries(Object.entries(data).reverse()) as typeof data;
        reordered.holder = Object.fromEntries(Object.entries(data.holder).reverse()) as typeof data.holder;
        await expect(repo.upsert(reordered, at())).resolves.toMatchObject({ outcome: 'unchanged' });
        await expect(repo.findByPublicId(first.certificate.publicId)).resolves.toEqual(first.certificate);
      });

      test('when reported data changes, then it is updated in place and keeps its identity', async () => {
        const data = makeCertificate();
        const created = await repo.upsert(data, at());
        const t = at();
        const changed = { ...data, scope: `${data.scope}及销售`, expiryDate: '2028-06-30' };
        const { outcome, certificate } = await repo.upsert(changed, t);
        expect(outcome).toBe('updated');
        expect(certificate).toMatchObject({
          ...changed,
          id: created.certificate.id,
          publicId: created.certificate.publicId,
          createdAt: created.certificate.createdAt,
          updatedAt: t,
        });
        // Not a status change: the history stays as it was.
        expect(certificate.statusHistory).toEqual(created.certificate.statusHistory);
        await expect(repo.findByPublicId(created.certificate.publicId)).resolves.toEqual(certificate);
        await expect(repo.findByNumber(data.number, data.bodyCode, 10)).resolves.toHaveLength(1);
      });

      test('when an optional field is dropped from a report, then it is gone from the stored record', async () => {
        const data = makeCertificate({ productModels: ['A-1'], industryCodes: ['19.01'] });
        const { certificate } = await repo.upsert(data, at());
        const { productModels: _p, ...without } = data;
        await expect(repo.upsert(without, at())).resolves.toMatchObject({ outcome: 'updated' });
        const found = await repo.findByPublicId(certificate.publicId);
        expect(found?.productModels).toBeUndefined();
        expect(found?.industryCodes).toEqual(['19.01']);
      });

      test('when the reported status changes, then the change is appended to the history', async () => {
        const data = makeCertificate();
        const created = await repo.upsert(data, at());
        const t1 = at();
        const suspended = {
          ...data,
          status: 'suspended' as const,
          statusReason: '逾期未监督',
          statusDate: '2025-12-01',
        };
        const first = await repo.upsert(suspended, t1);
        expect(first.certificate.statusHistory).toEqual([
          ...created.certificate.statusHistory,
          { status: 'suspended', reason: '逾期未监督', date: '2025-12-01', recordedAt: t1 },
        ]);
        const t2 = at();
        const { statusReason: _r, statusDate: _d, ...reinstated } = data;
        const second = await repo.upsert(reinstated, t2);
        expect(second.certificate.statusHistory).toHaveLength(3);
        // Without a reported status date the change is dated the day it was recorded.
        expect(second.certificate.statusHistory[2]).toEqual({
          status: 'valid',
          date: t2.slice(0, 10),
          recordedAt: t2,
        });
        await expect(repo.findByPublicId(created.certificate.publicId)).resolves.toEqual(second.certificate);
      });

      test('when many certificates are created, then each public id is 22 base64url characters and unique', async () => {
        // More than one block of the id generator's random bytes (256 ids), and a part of another.
        const results = await repo.upsertMany(
          Array.from({ length: 600 }, () => makeCertificate()),
          at(),
        );
        const ids = results.map((r) => r.certificate.publicId);
        for (const id of ids) expect(id).toMatch(PUBLIC_ID);
        expect(new Set(ids).size).toBe(ids.length);
        expect(new Set(results.map((r) => r.certificate.id)).size).toBe(ids.length);
      });
    });

    describe('upsertMany', () => {
      test('when a batch mixes new, changed and unchanged certificates, then results come in input order', async () => {
        const [kept, changed] = [makeCertificate(), makeCertificate()];
        const before = await repo.upsertMany([kept, changed], at());
        const fresh = [makeCertificate(), makeCertificate()];
        const t = at();
        const results = await repo.upsertMany(
          [fresh[0], { ...changed, scope: '改过的范围' }, kept, fresh[1]] as typeof fresh,
          t,
        );
        expect(results.map((r) => [r.outcome, r.certificate.number])).toEqual([
          ['created', fresh[0]?.number],
          ['updated', changed.number],
          ['unchanged', kept.number],
          ['created', fresh[1]?.number],
        ]);
        expect(results[1]?.certificate.publicId).toBe(before[1]?.certificate.publicId);
        expect(results[2]?.certificate).toEqual(before[0]?.certificate);
        for (const { certificate } of results) {
          await expect(repo.findByPublicId(certificate.publicId)).resolves.toEqual(certificate);
        }
      });

      test('when a batch reports one certificate twice, then the second report applies to the first', async () => {
        const data = makeCertificate();
        const revoked = {
          ...data,
          status: 'revoked' as const,
          statusReason: '虚假审核',
          statusDate: '2026-01-05',
        };
        const results = await repo.upsertMany([data, revoked, revoked], at());
        expect(results.map((r) => r.outcome)).toEqual(['created', 'updated', 'unchanged']);
        const ids = new Set(results.map((r) => r.certificate.publicId));
        expect(ids.size).toBe(1);
        const stored = await repo.findByPublicId(results[0]?.certificate.publicId as string);
        expect(stored).toMatchObject({ status: 'revoked', statusReason: '虚假审核' });
        expect(stored?.statusHistory.map((h) => h.status)).toEqual(['valid', 'revoked']);
        await expect(repo.findByNumber(data.number, data.bodyCode, 10)).resolves.toHaveLength(1);
      });

      test('when the batch is empty, then nothing happens', async () => {
        await expect(repo.upsertMany([], at())).resolves.toEqual([]);
      });

      test('when reports come with the JSON text they were parsed from, then what is stored is the same as without it', async () => {
        const suspended = {
          status: 'suspended' as const,
          statusReason: '监督审核逾期',
          statusDate: '2025-06-01',
        };
        const reports = [
          makeCertificate(),
          makeCertificate(suspended),
          makeCertificate({ audit: undefined }),
        ];
        const twins = reports.map((r) => ({ ...r, number: unique('TWIN') }));
        const t = at();
        const withText = await repo.upsertMany(
          reports,
          t,
          reports.map((r) => JSON.stringify(r)),
        );
        const without = await repo.upsertMany(twins, t);
        const comparable = ({ id: _i, publicId: _p, number: _n, ...rest }: Certificate) => rest;
        for (const [i, result] of withText.entries()) {
          expect(result.outcome).toBe('created');
          const stored = await repo.findByPublicId(result.certificate.publicId);
          expect(stored).toEqual(result.certificate);
          expect(comparable(stored as Certificate)).toEqual(
            comparable(without[i]?.certificate as Certificate),
          );
        }
        // A text given for a stored certificate changes nothing of how its update is written.
        const changed = { ...reports[0]!, scope: '改过的范围' };
        const [update] = await repo.upsertMany([changed], at(), [JSON.stringify(changed)]);
        expect(update).toMatchObject({ outcome: 'updated', certificate: { scope: '改过的范围' } });
        await expect(repo.findByPublicId(withText[0]!.certificate.publicId)).resolves.toEqual(
          update?.certificate,
        );
      });
    });

    describe('findByPublicId', () => {
      test('when no certificate has the public id, then it answers undefined', async () => {
        await expect(repo.findByPublicId('AAAAAAAAAAAAAAAAAAAAAA')).resolves.toBeUndefined();
        await expect(repo.findByPublicId('')).resolves.toBeUndefined();
      });
    });

    describe('findByNumber', () => {
      test('when two bodies issued the same number, then each is found by body and both without one', async () => {
        const number = unique('SAME');
        const [bodyA, bodyB] = [unique('BA'), unique('BB')];
        const results = await repo.upsertMany(
          [makeCertificate({ number, bodyCode: bodyA }), makeCertificate({ number, bodyCode: bodyB })],
          at(),
        );
        const [a, b] = results.map((r) => r.certificate) as [Certificate, Certificate];
        expect(a.publicId).not.toBe(b.publicId);
        await expect(repo.findByNumber(number, bodyA, 10)).resolves.toEqual([a]);
        await expect(repo.findByNumber(number, bodyB, 10)).resolves.toEqual([b]);
        // Oldest first.
        await expect(repo.findByNumber(number, undefined, 10)).resolves.toEqual([a, b]);
        await expect(repo.findByNumber(number, undefined, 1)).resolves.toEqual([a]);
      });

      test('when the number or the body is unknown, then it answers an empty list', async () => {
        const data = makeCertificate();
        await repo.upsert(data, at());
        await expect(repo.findByNumber(unique('NONE'), undefined, 10)).resolves.toEqual([]);
        await expect(repo.findByNumber(data.number, unique('OTHER'), 10)).resolves.toEqual([]);
      });
    });

    describe('findByNumbers', () => {
      const byNumber = (certs: Certificate[]) => [...certs].sort((x, y) => (x.number < y.number ? -1 : 1));

      test("when a batch of numbers is asked for, then exactly that body's certificates with them come back", async () => {
        const [body, other] = [unique('FN'), unique('FO')];
        const stored = (
          await repo.upsertMany(
            [
              makeCertificate({ bodyCode: body }),
              makeCertificate({ bodyCode: body }),
              makeCertificate({ bodyCode: body }),
            ],
            at(),
          )
        ).map((r) => r.certificate);
        const [a, b, c] = stored as [Certificate, Certificate, Certificate];
        // The same number at another body is not this body's certificate.
        await repo.upsert(makeCertificate({ bodyCode: other, number: a.number }), at());

        const found = await repo.findByNumbers(body, [a.number, c.number, unique('NONE')]);
        expect(byNumber(found)).toEqual(byNumber([a, c]));
        await expect(repo.findByNumbers(body, [b.number, b.number])).resolves.toEqual([b]);
        await expect(repo.findByNumbers(unique('NOBODY'), [a.number])).resolves.toEqual([]);
        await expect(repo.findByNumbers(body, [])).resolves.toEqual([]);
      });

      // A store of its own: 3,000 certificates left in the shared one would make every later test that
      // scans or walks the registry (pageByPublicId reads all of it) pay for them.
      test('when thousands of numbers are asked for at once, then all of them are found', async () => {
        const own = await harness.open();
        try {
          const body = unique('FM');
          const data = Array.from({ length: 3000 }, (_, i) =>
            makeCertificate({ bodyCode: body, number: `${body}-${String(i).padStart(5, '0')}` }),
          );
          await own.repo.upsertMany(data, at());
          const found = await own.repo.findByNumbers(
            body,
            data.map((d) => d.number),
          );
          expect(found).toHaveLength(3000);
          expect(new Set(found.map((c) => c.number))).toEqual(new Set(data.map((d) => d.number)));
        } finally {
          await own.close();
        }
      });
    });

    describe('findByCreditCode', () => {
      test('when a holder has several certificates, then all come back, at most `limit`, oldest first', async () => {
        const code = creditCode();
        const holder = { name: `信用代码${han(3)}有限公司`, creditCode: code };
        const results = await repo.upsertMany(
          [
            makeCertificate({ holder }),
            makeCertificate({ holder, scheme: 'EMS' }),
            makeCertificate({ holder }),
          ],
          at(),
        );
        const stored = results.map((r) => r.certificate);
        await expect(repo.findByCreditCode(code, 10)).resolves.toEqual(stored);
        await expect(repo.findByCreditCode(code, 2)).resolves.toEqual(stored.slice(0, 2));
        await expect(repo.findByCreditCode(creditCode(), 10)).resolves.toEqual([]);
      });

      test("when a holder's credit code is corrected, then the certificate moves to the new code", async () => {
        const data = makeCertificate();
        const { certificate } = await repo.upsert(data, at());
        const corrected = creditCode();
        await repo.upsert({ ...data, holder: { ...data.holder, creditCode: corrected } }, at());
        await expect(repo.findByCreditCode(data.holder.creditCode, 10)).resolves.toEqual([]);
        await expect(repo.findByCreditCode(corrected, 10)).resolves.toMatchObject([
          { publicId: certificate.publicId },
        ]);
      });
    });

    describe('findSanctionedByCreditCodes', () => {
      test('when holders have certificates ever suspended or revoked, then exactly those of the holders asked for come back', async () => {
        const [a, b, c] = [creditCode(), creditCode(), creditCode()];
        const holder = (code: string) => ({ name: '制裁测试有限公司', creditCode: code });
        const suspension = {
          status: 'suspended' as const,
          statusReason: '监督审核逾期',
          statusDate: '2025-06-01',
        };
        const reports = [
          makeCertificate({ holder: holder(a) }),
          makeCertificate({ holder: holder(a), ...suspension }),
          makeCertificate({ holder: holder(a) }),
          makeCertificate({ holder: holder(a), ...suspension }),
          makeCertificate({ holder: holder(b), ...suspension }),
          makeCertificate({ holder: holder(c), ...suspension }),
        ];
        const [, suspended, revokedLater, reinstated, ofB] = (await repo.upsertMany(reports, at())).map(
          (r) => r.certificate,
        );
        // Revoked by a status change; suspended, then reported valid again (the history keeps the suspension).
        await repo.changeStatus(
          revokedLater!.publicId,
          { status: 'revoked', reason: '伪造审核记录', date: '2025-07-01' },
          at(),
        );
        await repo.upsert(
          { ...reports[3]!, status: 'valid', statusReason: undefined, statusDate: undefined },
          at(),
        );

        const found = await repo.findSanctionedByCreditCodes([a, b, creditCode()]);
        expect(found.map((x) => x.publicId).sort()).toEqual(
          [suspended, revokedLater, reinstated, ofB].map((x) => x!.publicId).sort(),
        );
        expect(found.find((x) => x.publicId === reinstated!.publicId)?.status).toBe('valid');
        await expect(repo.findSanctionedByCreditCodes([])).resolves.toEqual([]);
      });
    });

    describe('searchByHolderName', () => {
      const search = (fragment: string, limit = 50, offset = 0, countLimit = 1000) =>
        repo.searchByHolderName({ fragment, limit, offset, countLimit });

      test('when a Chinese fragment is at the start, middle or end of a name, then the name is found', async () => {
        const [head, middle, tail] = [han(3), han(4), han(3)];
        const { certificate } = await repo.upsert(named(`${head}${middle}${tail}`), at());
        for (const fragment of [
          head,
          middle,
          tail,
          `${head}${middle}${tail}`,
          middle.slice(1, 3), // two characters
          `${head.slice(-1)}${middle.slice(0, 1)}`, // two characters across a boundary
          `${middle.slice(-2)}${tail}`,
        ]) {
          const page = await search(fragment);
          expect({ fragment, ids: publicIds(page.items) }).toEqual({ fragment, ids: [certificate.publicId] });
          expect(page).toMatchObject({ total: 1, totalCapped: false });
        }
      });

      test('when the name holds every bigram of the fragment but not in a row, then it is not found', async () => {
        const [a, b, c, x] = [han(1), han(1), han(1), han(1)];
        // 甲乙X乙丙 has the bigrams 甲乙 and 乙丙 but not the substring 甲乙丙.
        await repo.upsert(named(`${a}${b}${x}${b}${c}`), at());
        await expect(search(`${a}${b}${c}`)).resolves.toEqual({ items: [], total: 0, totalCapped: false });
        await expect(search(`${c}${b}`)).resolves.toMatchObject({ items: [], total: 0 });
      });

      test('when a fragment is not in any name, then nothing is found', async () => {
        const name = han(6);
        await repo.upsert(named(name), at());
        await expect(search(`${name.slice(0, 2)}${han(2)}`)).resolves.toMatchObject({ items: [], total: 0 });
        await expect(search(han(4))).resolves.toEqual({ items: [], total: 0, totalCapped: false });
      });

      test('when a latin name is searched in another case or in full width, then it is found', async () => {
        const word = unique('Acme').toLowerCase();
        const { certificate } = await repo.upsert(named(`${word} Precision Widgets Co., Ltd.`), at());
        const fullWidth = (s: string) =>
          s.replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
        for (const fragment of [
          word.toUpperCase(),
          `${word} PRECISION`,
          `${word}precision`,
          fullWidth(word),
        ]) {
          const page = await search(fragment);
          expect({ fragment, ids: publicIds(page.items) }).toEqual({ fragment, ids: [certificate.publicId] });
        }
      });

      test('when a Chinese name has punctuation or full-width characters, then folding ignores them', async () => {
        const [place, word] = [han(3), han(3)];
        const { certificate } = await repo.upsert(named(`${place}（ＡＢ）${word}·有限公司`), at());
        for (const fragment of [`${place}AB${word}`, `${place}(ab)`, `ＡＢ${word}`, `${word}有限`]) {
          const page = await search(fragment);
          expect({ fragment, ids: publicIds(page.items) }).toEqual({ fragment, ids: [certificate.publicId] });
        }
      });

      test('when the fragment folds to fewer than two characters, then nothing is searched', async () => {
        const name = han(4);
        await repo.upsert(named(name), at());
        for (const fragment of [name.slice(0, 1), '', '  ', '.*', '（）', `${name.slice(0, 1)}·`]) {
          await expect(search(fragment)).resolves.toEqual({ items: [], total: 0, totalCapped: false });
        }
      });

      test('when fragments carry query syntax, then they are matched as plain text', async () => {
        const word = han(3);
        await repo.upsert(named(`${word}有限公司`), at());
        for (const fragment of [`"${word}"`, `${word} OR 有限`, `${word}*`, `${word}' --`, `^${word}$`]) {
          const page = await search(fragment);
          expect(page.items.every((c) => c.holder.name.includes(word))).toBe(true);
        }
        await expect(search(`"${word}" OR "${han(2)}"`)).resolves.toMatchObject({ items: [], total: 0 });
      });

      test('when results span pages, then limit and offset walk them in one stable order', async () => {
        const tag = han(4);
        const stored = (
          await repo.upsertMany(
            Array.from({ length: 7 }, (_, i) => named(`${tag}第${i}分公司`)),
            at(),
          )
        ).map((r) => r.certificate);
        const all = await search(tag, 50);
        expect(all.total).toBe(7);
        expect(new Set(publicIds(all.items))).toEqual(new Set(publicIds(stored)));
        const pages = [await search(tag, 3, 0), await search(tag, 3, 3), await search(tag, 3, 6)];
        expect(pages.map((p) => p.items.length)).toEqual([3, 3, 1]);
        expect(pages.flatMap((p) => publicIds(p.items))).toEqual(publicIds(all.items));
        for (const p of pages) expect(p).toMatchObject({ total: 7, totalCapped: false });
        await expect(search(tag, 3, 0)).resolves.toEqual(pages[0]);
        await expect(search(tag, 3, 7)).resolves.toEqual({ items: [], total: 7, totalCapped: false });
      });

      test('when more names match than countLimit, then the total stops there and says so', async () => {
        const tag = han(4);
        await repo.upsertMany(
          Array.from({ length: 6 }, (_, i) => named(`${tag}${i}号`)),
          at(),
        );
        await expect(search(tag, 2, 0, 4)).resolves.toMatchObject({ total: 4, totalCapped: true });
        expect((await search(tag, 2, 0, 4)).items).toHaveLength(2);
        await expect(search(tag, 10, 0, 6)).resolves.toMatchObject({ total: 6, totalCapped: false });
        await expect(search(tag, 10, 0, 5)).resolves.toMatchObject({ total: 5, totalCapped: true });
      });

      test('when a holder is renamed, then it is found under the new name only', async () => {
        const [oldName, newName] = [han(5), han(5)];
        const data = named(oldName);
        const { certificate } = await repo.upsert(data, at());
        await repo.upsert({ ...data, holder: { ...data.holder, name: newName } }, at());
        await expect(search(oldName)).resolves.toMatchObject({ items: [], total: 0 });
        const page = await search(newName.slice(1, 4));
        expect(publicIds(page.items)).toEqual([certificate.publicId]);
        expect(page.items[0]?.holder.name).toBe(newName);
      });

      test('when other fields of a named certificate change, then it is still found once', async () => {
        const name = han(5);
        const data = named(name);
        const { certificate } = await repo.upsert(data, at());
        await repo.upsert({ ...data, scope: '变更后的范围' }, at());
        await repo.changeStatus(certificate.publicId, { status: 'suspended', date: '2026-02-01' }, at());
        const page = await search(name);
        expect(publicIds(page.items)).toEqual([certificate.publicId]);
        expect(page.items[0]).toMatchObject({ scope: '变更后的范围', status: 'suspended' });
      });

      describe('with filters', () => {
        const today = '2026-06-01';
        const filtered = (
          fragment: string,
          filters: Omit<CertificateFilters, 'today'>,
          limit = 50,
          offset = 0,
        ) =>
          repo.searchByHolderName({
            fragment,
            limit,
            offset,
            countLimit: 1000,
            filters: { ...filters, today },
          });
        // One name, six certificates: every effective status, two schemes, two bodies.
        async function family() {
          const name = `筛选${han(4)}有限公司`;
          const stored = (
            await repo.upsertMany(
              [
                named(name, { expiryDate: '2028-01-09' }),
                named(name, { expiryDate: '2028-01-09', scheme: 'EMS', bodyCode: 'CQM' }),
                named(name, { expiryDate: '2026-05-31' }), // expired the day before `today`
                named(name, { expiryDate: '2026-05-31', status: 'suspended', statusDate: '2026-01-01' }),
                named(name, { expiryDate: '2028-01-09', status: 'suspended', statusDate: '2026-01-01' }),
                named(name, { expiryDate: '2026-01-01', status: 'revoked', statusDate: '2025-12-01' }),
              ],
              at(),
            )
          ).map((r) => r.certificate);
          return { name, ids: publicIds(stored) };
        }

        test('when filtered by effective status, then expiry is judged against today and revoked stays revoked', async () => {
          const { name, ids } = await family();
          const [validQms, validEms, expired, expiredSuspended, suspended, revoked] = ids;
          const cases: [Omit<CertificateFilters, 'today'>, (string | undefined)[]][] = [
            [{ status: 'valid' }, [validQms, validEms]],
            [{ status: 'expired' }, [expired, expiredSuspended]],
            [{ status: 'suspended' }, [suspended]],
            [{ status: 'revoked' }, [revoked]],
            [{ status: 'withdrawn' }, []],
            [{}, ids],
          ];
          for (const [filters, expected] of cases) {
            const page = await filtered(name, filters);
            expect({ filters, ids: publicIds(page.items) }).toEqual({ filters, ids: expected });
            expect(page).toMatchObject({ total: expected.length, totalCapped: false });
          }
        });

        test('when filtered by scheme and body, then only certificates matching all filters are listed and counted', async () => {
          const { name, ids } = await family();
          const [validQms, validEms, expired, expiredSuspended, suspended, revoked] = ids;
          expect(publicIds((await filtered(name, { scheme: 'EMS' })).items)).toEqual([validEms]);
          expect(publicIds((await filtered(name, { bodyCode: 'CQM' })).items)).toEqual([validEms]);
          expect(publicIds((await filtered(name, { bodyCode: 'CQC', status: 'valid' })).items)).toEqual([
            validQms,
          ]);
          const qms = await filtered(name, { scheme: 'QMS' });
          expect(publicIds(qms.items)).toEqual([validQms, expired, expiredSuspended, suspended, revoked]);
          await expect(filtered(name, { scheme: 'EMS', bodyCode: 'CQC' })).resolves.toEqual({
            items: [],
            total: 0,
            totalCapped: false,
          });
          // Pages of a filtered search: exact windows, and the count caps as unfiltered ones do.
          expect(publicIds((await filtered(name, { scheme: 'QMS' }, 2, 2)).items)).toEqual([
            expiredSuspended,
            suspended,
          ]);
          const capped = await repo.searchByHolderName({
            fragment: name,
            limit: 1,
            offset: 0,
            countLimit: 3,
            filters: { scheme: 'QMS', today },
          });
          expect(capped).toMatchObject({ total: 3, totalCapped: true });
        });
      });
    });

    describe('changeStatus', () => {
      test('when a status changes, then it is stored with its reason and date and appended to the history', async () => {
        const { certificate } = await repo.upsert(makeCertificate(), at());
        const t = at();
        const change = { status: 'suspended' as const, reason: '监督审核不合格', date: '2026-02-10' };
        const changed = await repo.changeStatus(certificate.publicId, change, t);
        expect(changed).toMatchObject({
          id: certificate.id,
          publicId: certificate.publicId,
          status: 'suspended',
          statusReason: '监督审核不合格',
          statusDate: '2026-02-10',
          createdAt: certificate.createdAt,
          updatedAt: t,
        });
        expect(changed?.statusHistory).toEqual([...certificate.statusHistory, { ...change, recordedAt: t }]);
        await expect(repo.findByPublicId(certificate.publicId)).resolves.toEqual(changed);
      });

      test('when a change has no reason, then the previous reason is cleared', async () => {
        const { certificate } = await repo.upsert(makeCertificate(), at());
        await repo.changeStatus(
          certificate.publicId,
          { status: 'suspended', reason: '暂停', date: '2026-02-10' },
          at(),
        );
        const t = at();
        const reinstated = await repo.changeStatus(
          certificate.publicId,
          { status: 'valid', date: '2026-03-01' },
          t,
        );
        expect(reinstated?.statusReason).toBeUndefined();
        expect(reinstated?.statusHistory.at(-1)).toEqual({
          status: 'valid',
          date: '2026-03-01',
          recordedAt: t,
        });
        const stored = await repo.findByPublicId(certificate.publicId);
        expect(stored).toEqual(reinstated);
        expect(stored?.statusReason).toBeUndefined();
        expect(stored?.statusHistory).toHaveLength(3);
      });

      test('when a body then reports a revoked certificate as valid, then the store refuses it and keeps the revocation', async () => {
        const data = makeCertificate();
        const { certificate } = await repo.upsert(data, at());
        const revoked = await repo.changeStatus(
          certificate.publicId,
          { status: 'revoked', reason: '伪造', date: '2026-02-11' },
          at(),
        );
        await expect(repo.upsert(data, at())).rejects.toMatchObject({
          code: 'ILLEGAL_STATUS_TRANSITION',
          details: { from: 'revoked', to: 'valid', number: data.number },
        });
        await expect(repo.upsertMany([makeCertificate(), data], at())).rejects.toMatchObject({
          code: 'ILLEGAL_STATUS_TRANSITION',
        });
        await expect(repo.findByPublicId(certificate.publicId)).resolves.toEqual(revoked);
        // A revoked certificate reported revoked again (a correction of its reason) is no move.
        const corrected = await repo.upsert({ ...data, status: 'revoked', statusReason: '伪造证书' }, at());
        expect(corrected.certificate.statusHistory.map((h) => h.status)).toEqual([
          'valid',
          'revoked',
          'revoked',
        ]);
      });

      test('when a status change would leave a final status or repeat the stored one, then the store refuses it and writes nothing', async () => {
        const { certificate } = await repo.upsert(makeCertificate(), at());
        const withdrawn = await repo.changeStatus(
          certificate.publicId,
          { status: 'withdrawn', reason: '企业注销', date: '2026-02-11' },
          at(),
        );
        for (const status of ['valid', 'suspended', 'revoked', 'withdrawn'] as const) {
          await expect(
            repo.changeStatus(certificate.publicId, { status, date: '2026-02-12' }, at()),
          ).rejects.toMatchObject({
            code: 'ILLEGAL_STATUS_TRANSITION',
            details: { from: 'withdrawn', to: status },
          });
        }
        await expect(repo.findByPublicId(certificate.publicId)).resolves.toEqual(withdrawn);
      });

      test('when two status changes of one certificate run at the same instant, then exactly one lands', async () => {
        const { certificate } = await repo.upsert(makeCertificate(), at());
        const outcomes = await Promise.allSettled([
          repo.changeStatus(certificate.publicId, { status: 'revoked', date: '2026-02-11' }, at()),
          repo.changeStatus(certificate.publicId, { status: 'withdrawn', date: '2026-02-11' }, at()),
        ]);
        const landed = outcomes.filter((o) => o.status === 'fulfilled');
        expect(landed).toHaveLength(1);
        expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({
          reason: { code: 'ILLEGAL_STATUS_TRANSITION' },
        });
        const stored = await repo.findByPublicId(certificate.publicId);
        expect(stored?.statusHistory.map((h) => h.status)).toEqual(['valid', stored?.status]);
      });

      test('when no certificate has the public id, then it answers undefined and changes nothing', async () => {
        const before = await repo.count();
        await expect(
          repo.changeStatus('AAAAAAAAAAAAAAAAAAAAAA', { status: 'revoked', date: '2026-02-10' }, at()),
        ).resolves.toBeUndefined();
        await expect(repo.count()).resolves.toBe(before);
      });
    });

    describe('findAuditAssignments', () => {
      /** A registration number no other test uses. */
      const auditor = () => unique('REG-');
      /** A report audited by these auditors on these dates. */
      const audited = (registrationNumbers: string[], startDate: string, endDate: string) =>
        makeCertificate({
          audit: {
            startDate,
            endDate,
            manDays: 3,
            auditors: registrationNumbers.map((registrationNumber) => ({ name: '张伟', registrationNumber })),
          },
        });
      const keys = (found: { registrationNumber: string; publicId: string }[]) =>
        found.map((a) => `${a.registrationNumber} ${a.publicId}`).sort();

      test("when an auditor's audits overlap a window, then each comes back once with its certificate's keys, ends included", async () => {
        const reg = auditor();
        const other = auditor();
        const [inside, touchingStart, touchingEnd, before, after] = (
          await repo.upsertMany(
            [
              audited([reg, other], '2025-03-03', '2025-03-05'),
              audited([reg], '2025-02-27', '2025-03-01'),
              audited([reg], '2025-03-10', '2025-03-12'),
              audited([reg], '2025-02-20', '2025-02-28'),
              audited([reg], '2025-03-11', '2025-03-13'),
            ],
            at(),
          )
        ).map((r) => r.certificate) as Certificate[];

        const found = await repo.findAuditAssignments(
          [{ registrationNumber: reg, from: '2025-03-01', to: '2025-03-10' }],
          100,
        );
        expect(found).toHaveLength(3);
        expect(found).toContainEqual({
          registrationNumber: reg,
          startDate: '2025-03-03',
          endDate: '2025-03-05',
          publicId: inside?.publicId,
          number: inside?.number,
          bodyCode: inside?.bodyCode,
          holderCreditCode: inside?.holder.creditCode,
        });
        expect(keys(found)).toEqual(
          keys(
            [inside, touchingStart, touchingEnd].map((c) => ({
              registrationNumber: reg,
              publicId: c?.publicId as string,
            })),
          ),
        );
        expect(found.map((a) => a.publicId)).not.toContain(before?.publicId);
        expect(found.map((a) => a.publicId)).not.toContain(after?.publicId);
      });

      test("when a window names a holder to leave out, then that holder's audits are not found, others still are", async () => {
        const reg = auditor();
        const [own, other] = (
          await repo.upsertMany(
            [audited([reg], '2025-04-07', '2025-04-09'), audited([reg], '2025-04-08', '2025-04-10')],
            at(),
          )
        ).map((r) => r.certificate) as Certificate[];
        const window = { registrationNumber: reg, from: '2025-04-07', to: '2025-04-09' };

        const found = await repo.findAuditAssignments(
          [{ ...window, excludeHolder: own?.holder.creditCode }],
          100,
        );
        expect(found.map((a) => a.publicId)).toEqual([other?.publicId]);
        const all = await repo.findAuditAssignments([window], 100);
        expect(all.map((a) => a.publicId).sort()).toEqual([own?.publicId, other?.publicId].sort());
      });

      test('when several windows find one audit, then it comes back once per auditor, and `limit` caps the answer', async () => {
        const [reg1, reg2] = [auditor(), auditor()];
        const { certificate } = await repo.upsert(audited([reg1, reg2], '2025-05-06', '2025-05-08'), at());
        const windows = [
          { registrationNumber: reg1, from: '2025-05-01', to: '2025-05-06' },
          { registrationNumber: reg1, from: '2025-05-08', to: '2025-05-30' },
          { registrationNumber: reg2, from: '2025-05-07', to: '2025-05-07' },
        ];
        expect(keys(await repo.findAuditAssignments(windows, 100))).toEqual(
          keys(
            [reg1, reg2].map((registrationNumber) => ({
              registrationNumber,
              publicId: certificate.publicId,
            })),
          ),
        );
        await expect(repo.findAuditAssignments(windows, 1)).resolves.toHaveLength(1);
        await expect(repo.findAuditAssignments([], 100)).resolves.toEqual([]);
      });

      test('when an audit lasts longer than MAX_AUDIT_DAYS, then it is not found, however it overlaps', async () => {
        const reg = auditor();
        const [longest, tooLong] = (
          await repo.upsertMany(
            [audited([reg], '2025-10-01', '2025-10-31'), audited([reg], '2025-09-30', '2025-10-31')],
            at(),
          )
        ).map((r) => r.certificate);
        expect(MAX_AUDIT_DAYS).toBe(31);
        const found = await repo.findAuditAssignments(
          [{ registrationNumber: reg, from: '2025-10-01', to: '2025-10-01' }],
          100,
        );
        expect(found.map((a) => a.publicId)).toEqual([longest?.publicId]);
        expect(found.map((a) => a.publicId)).not.toContain(tooLong?.publicId);
      });

      test('when a certificate changes its audit or drops it, then only the audit as now reported is found', async () => {
        const [reg, replacement] = [auditor(), auditor()];
        const data = audited([reg], '2025-06-02', '2025-06-04');
        const { certificate } = await repo.upsert(data, at());
        const june = (registrationNumber: string) => [
          { registrationNumber, from: '2025-06-01', to: '2025-06-30' },
        ];

        await repo.upsert(
          {
            ...data,
            audit: {
              ...data.audit,
              startDate: '2025-07-01',
              endDate: '2025-07-02',
              manDays: 3,
              auditors: [{ name: '李娜', registrationNumber: replacement }],
            },
          },
          at(),
        );
        await expect(repo.findAuditAssignments(june(reg), 100)).resolves.toEqual([]);
        await expect(repo.findAuditAssignments(june(replacement), 100)).resolves.toEqual([]);
        expect(
          (
            await repo.findAuditAssignments(
              [{ registrationNumber: replacement, from: '2025-07-02', to: '2025-07-09' }],
              100,
            )
          ).map((a) => [a.publicId, a.startDate, a.endDate]),
        ).toEqual([[certificate.publicId, '2025-07-01', '2025-07-02']]);

        await repo.upsert({ ...data, audit: undefined }, at());
        await expect(
          repo.findAuditAssignments(
            [{ registrationNumber: replacement, from: '2025-01-01', to: '2025-12-31' }],
            100,
          ),
        ).resolves.toEqual([]);
      });
    });

    describe('auditVolumeByBody', () => {
      const byCode = (x: { bodyCode: string }, y: { bodyCode: string }) => (x.bodyCode < y.bodyCode ? -1 : 1);
      const report = (bodyCode: string, issueDate: string, manDays: number | undefined) =>
        makeCertificate({
          bodyCode,
          issueDate,
          expiryDate: '2030-01-01',
          audit:
            manDays === undefined
              ? undefined
              : { startDate: '2023-11-02', endDate: '2023-11-03', manDays, auditors: [] },
        });

      test('when certificates with audits are issued over some months, then each body counts them and sums their man-days', async () => {
        const [b1, b2] = [unique('VB').slice(0, 32), unique('VB').slice(0, 32)];
        const moved = report(b1, '2024-03-01', 2);
        await repo.upsertMany(
          [
            report(b1, '2024-02-01', 4),
            report(b1, '2024-12-31', 1.5),
            report(b1, '2025-01-01', 9),
            report(b1, '2023-12-31', 8),
            report(b1, '2024-05-01', undefined),
            moved,
            report(b2, '2024-06-30', 3),
          ],
          at(),
        );
        // Reported again unchanged: still one certificate.
        await repo.upsert(moved, at());
        const mine = async () =>
          (await repo.auditVolumeByBody('2024-01', '2024-12'))
            .filter((v) => v.bodyCode === b1 || v.bodyCode === b2)
            .sort(byCode);
        expect(await mine()).toEqual(
          [
            { bodyCode: b1, certificates: 3, manDays: 7.5, staffed: 0, auditorDays: 0 },
            { bodyCode: b2, certificates: 1, manDays: 3, staffed: 0, auditorDays: 0 },
          ].sort(byCode),
        );
      });

      test('when a certificate moves out of the months, changes its man-days or drops its audit, then it counts as it now is', async () => {
        const body = unique('VB').slice(0, 32);
        const data = report(body, '2024-03-01', 2);
        await repo.upsertMany([data, report(body, '2024-04-01', 4)], at());
        const ours = async () =>
          (await repo.auditVolumeByBody('2024-01', '2024-12')).find((v) => v.bodyCode === body);

        await repo.upsert({ ...data, issueDate: '2023-12-31' }, at());
        const none = { staffed: 0, auditorDays: 0 };
        await expect(ours()).resolves.toEqual({ bodyCode: body, certificates: 1, manDays: 4, ...none });
        await repo.upsert({ ...data, issueDate: '2024-07-01', audit: { ...data.audit!, manDays: 3 } }, at());
        await expect(ours()).resolves.toEqual({ bodyCode: body, certificates: 2, manDays: 7, ...none });
        await repo.upsert({ ...data, issueDate: '2024-07-01', audit: undefined }, at());
        await expect(ours()).resolves.toEqual({ bodyCode: body, certificates: 1, manDays: 4, ...none });
      });

      test('when audits name their team, then the staffed certificates and their auditor-days (team × days) are counted, and follow changes', async () => {
        const body = unique('VB').slice(0, 32);
        const auditor = (n: number) => ({ name: `审核员${n}`, registrationNumber: unique('2024-N1QMS-') });
        const teamOf = (size: number) => Array.from({ length: size }, (_, i) => auditor(i));
        const three = makeCertificate({
          bodyCode: body,
          issueDate: '2024-04-10',
          expiryDate: '2027-04-09',
          // Three auditors for three days (both ends counted): 9 auditor-days.
          audit: { startDate: '2024-04-01', endDate: '2024-04-03', manDays: 9, auditors: teamOf(3) },
        });
        await repo.upsertMany(
          [
            three,
            // Two auditors for one day: 2.
            makeCertificate({
              bodyCode: body,
              issueDate: '2024-05-10',
              expiryDate: '2027-05-09',
              audit: { startDate: '2024-05-02', endDate: '2024-05-02', manDays: 2, auditors: teamOf(2) },
            }),
            report(body, '2024-06-01', 1.5),
          ],
          at(),
        );
        const ours = async () =>
          (await repo.auditVolumeByBody('2024-01', '2024-12')).find((v) => v.bodyCode === body);
        await expect(ours()).resolves.toEqual({
          bodyCode: body,
          certificates: 3,
          manDays: 12.5,
          staffed: 2,
          auditorDays: 11,
        });
        await repo.upsert({ ...three, audit: { ...three.audit!, auditors: teamOf(1) } }, at());
        await expect(ours()).resolves.toMatchObject({ staffed: 2, auditorDays: 5 });
        await repo.upsert({ ...three, audit: { ...three.audit!, auditors: [] } }, at());
        await expect(ours()).resolves.toMatchObject({ certificates: 3, staffed: 1, auditorDays: 2 });
      });

      test('when a body has no certificate with audit data in the months, then it is absent', async () => {
        const body = unique('VB').slice(0, 32);
        const data = report(body, '2024-05-05', 2);
        await repo.upsert(data, at());
        await repo.upsert({ ...data, audit: undefined }, at());
        await repo.upsert(report(body, '2025-02-02', 5), at());
        const found = await repo.auditVolumeByBody('2024-01', '2024-12');
        expect(found.map((v) => v.bodyCode)).not.toContain(body);
      });
    });

    describe('findIssuedInWindow', () => {
      test("when a body's certificates are read by issue window, then only the body's within it come, by date then id, a page at a time", async () => {
        const body = unique('WB').slice(0, 32);
        const dated = (issueDate: string, bodyCode = body) =>
          makeCertificate({ bodyCode, issueDate, expiryDate: '2030-01-01' });
        const stored = (
          await repo.upsertMany(
            [
              dated('2024-03-01'),
              dated('2024-01-31'),
              dated('2024-02-01'),
              dated('2024-02-01'),
              dated('2024-02-15'),
              dated('2024-02-10', unique('WO').slice(0, 32)),
            ],
            at(),
          )
        ).map((r) => r.certificate);
        const window = { from: '2024-02-01', to: '2024-03-01' };
        const first = await repo.findIssuedInWindow(body, window, { limit: 2 });
        expect(first.map((c) => c.issueDate)).toEqual(['2024-02-01', '2024-02-01']);
        const last = first[1]!;
        const rest = await repo.findIssuedInWindow(body, window, {
          after: { issueDate: last.issueDate, id: last.id },
          limit: 2,
        });
        expect(rest.map((c) => c.publicId)).toEqual([stored[4]?.publicId]);
        expect(new Set([...first, ...rest].map((c) => c.publicId))).toEqual(
          new Set([stored[2]?.publicId, stored[3]?.publicId, stored[4]?.publicId]),
        );
        const open = await repo.findIssuedInWindow(body, { from: '2024-02-15' }, { limit: 10 });
        expect(open.map((c) => c.issueDate)).toEqual(['2024-02-15', '2024-03-01']);
      });
    });

    describe('countByStatus', () => {
      test("when a body's certificates are counted by status, then expiry is judged on the day given and every status is present", async () => {
        const body = unique('SB').slice(0, 32);
        const cert = (expiryDate: string) =>
          makeCertificate({ bodyCode: body, issueDate: '2024-01-10', expiryDate });
        const stored = (
          await repo.upsertMany(
            [
              cert('2030-01-01'),
              cert('2030-01-01'),
              cert('2030-01-01'),
              cert('2025-01-01'),
              cert('2025-01-01'),
            ],
            at(),
          )
        ).map((r) => r.certificate);
        await repo.upsertMany([makeCertificate({ bodyCode: unique('SO').slice(0, 32) })], at());
        await repo.changeStatus(
          stored[1]!.publicId,
          { status: 'suspended', reason: '监督审核逾期', date: '2024-06-01' },
          at(),
        );
        await repo.changeStatus(
          stored[2]!.publicId,
          { status: 'withdrawn', reason: '企业申请注销', date: '2024-07-01' },
          at(),
        );
        // Past expiry: a suspended one reads expired too, a revoked one stays revoked.
        await repo.changeStatus(
          stored[4]!.publicId,
          { status: 'revoked', reason: '买证', date: '2024-08-01' },
          at(),
        );
        await expect(repo.countByStatus(body, '2026-01-01')).resolves.toEqual({
          valid: 1,
          suspended: 1,
          withdrawn: 1,
          expired: 1,
          revoked: 1,
        });
        await expect(repo.countByStatus(body, '2024-12-31')).resolves.toMatchObject({ valid: 2, expired: 0 });
        await expect(repo.countByStatus(unique('SN').slice(0, 32), '2026-01-01')).resolves.toEqual({
          valid: 0,
          suspended: 0,
          revoked: 0,
          withdrawn: 0,
          expired: 0,
        });
      });
    });

    describe('count', () => {
      test('when certificates are created, then the count grows by that many, and not on updates', async () => {
        const before = await repo.count();
        const [a, b] = [makeCertificate(), makeCertificate()];
        await repo.upsertMany([a, b], at());
        await expect(repo.count()).resolves.toBe(before + 2);
        await repo.upsert({ ...a, scope: '新范围' }, at());
        await repo.upsert(b, at());
        await expect(repo.count()).resolves.toBe(before + 2);
      });
    });

    describe('pageByPublicId', () => {
      test('when the registry is walked in pages, then each certificate comes once, in public-id order, whole', async () => {
        const PAGE = 250;
        const mine = await repo.upsertMany([makeCertificate(), makeCertificate(), makeCertificate()], at());
        // Whatever the other tests left, the walk crosses at least three page boundaries: the registry is
        // topped up to one certificate more than three full pages (never more, each page reads it all).
        const short = 3 * PAGE + 1 - (await repo.count());
        if (short > 0)
          await repo.upsertMany(
            Array.from({ length: short }, () => makeCertificate()),
            at(),
          );
        const seen: string[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await repo.pageByPublicId(after, PAGE);
          expect(page.length).toBeLessThanOrEqual(PAGE);
          if (page.length === 0) break;
          seen.push(...page.map((c) => c.publicId));
          for (const c of page) {
            const own = mine.find((m) => m.certificate.publicId === c.publicId);
            if (own) expect(c).toEqual(own.certificate);
          }
          after = page[page.length - 1]?.publicId;
        }
        expect(seen).toEqual([...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen.length).toBe(await repo.count());
        expect(seen.length).toBeGreaterThan(3 * PAGE);
        for (const m of mine) expect(seen).toContain(m.certificate.publicId);
        // Small pages go on where the last one ended.
        const [first, second] = [
          await repo.pageByPublicId(undefined, 2),
          await repo.pageByPublicId(seen[1], 2),
        ];
        expect([...first, ...second].map((c) => c.publicId)).toEqual(seen.slice(0, 4));
        // A cursor past the last id ends the walk.
        await expect(repo.pageByPublicId(seen[seen.length - 1], 5)).resolves.toEqual([]);
      });
    });
  });
}
