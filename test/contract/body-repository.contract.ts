import type { BodyRepository } from '../../server/bodies/body-repository';
import { makeBody, unique } from '../helpers/factories';

export interface BodyRepositoryHarness {
  name: string;
  /** A repository on a store of its own; `close` releases it and removes what the run stored. */
  open(): Promise<{ repo: BodyRepository; close(): Promise<void> }>;
  /** Backend differences the suite allows for: none so far, every adapter behaves the same. */
  options: Record<string, never>;
}

/** A body code no other test uses, in the body-code shape (2-32 of A-Z, 0-9, -). */
const code = (prefix: string) => unique(prefix).slice(0, 32);

/** The behaviour every `BodyRepository` adapter must have; each adapter's test file calls this. */
export function bodyRepositoryContract(harness: BodyRepositoryHarness): void {
  describe(`BodyRepository contract: ${harness.name}`, () => {
    let repo: BodyRepository;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ repo, close } = await harness.open());
    });
    afterAll(async () => {
      await close();
    });

    test('when a body is stored, then it is found by its code exactly as stored', async () => {
      const body = makeBody({
        code: code('NEW'),
        nameEn: 'Test Certification Co., Ltd.',
        phone: '023-6543 2100',
        website: 'https://www.example-cert.cn/',
        approvalStatusDate: '2024-05-01',
        approvedIndustryCodes: ['18', '19'],
      });
      await expect(repo.upsert(body)).resolves.toEqual(body);
      await expect(repo.findByCode(body.code)).resolves.toEqual(body);
    });

    test('when a body has no optional fields, then none appears on it', async () => {
      const { lastReportedAt: _l, ...body } = makeBody({ code: code('MIN') });
      await repo.upsert(body);
      const found = await repo.findByCode(body.code);
      expect(found).toEqual(body);
      expect(found?.nameEn).toBeUndefined();
      expect(found?.lastReportedAt).toBeUndefined();
      expect(found?.approvalStatusDate).toBeUndefined();
    });

    test('when a body is stored again, then the new record replaces the old one whole', async () => {
      const first = makeBody({ code: code('RPL'), nameEn: 'Old English Name' });
      await repo.upsert(first);
      const { nameEn: _n, ...second } = {
        ...first,
        name: '更名后的认证有限公司',
        approvalStatus: 'suspended' as const,
        approvalStatusDate: '2026-01-15',
        approvedSchemes: ['QMS'],
      };
      await expect(repo.upsert(second)).resolves.toEqual(second);
      const found = await repo.findByCode(first.code);
      expect(found).toEqual(second);
      expect(found?.nameEn).toBeUndefined();
    });

    test('when a body carries its approval history, then the periods come back in order, each as stored', async () => {
      const body = makeBody({
        code: code('HIS'),
        approvalStatus: 'approved',
        approvalStatusDate: '2025-03-01',
        approvalHistory: [
          { status: 'approved', from: '2002-01-01' },
          { status: 'suspended', from: '2024-11-10', recordedAt: '2024-11-12T02:00:00.000Z' },
          { status: 'approved', from: '2025-03-01', recordedAt: '2025-03-01T01:00:00.000Z' },
        ],
      });
      await repo.upsert(body);
      await expect(repo.findByCode(body.code)).resolves.toEqual(body);
      // A suspension recorded late, effective in the middle: the whole history is stored again.
      const late = {
        ...body,
        approvalHistory: [
          ...(body.approvalHistory ?? []).slice(0, 1),
          { status: 'suspended' as const, from: '2023-05-01', recordedAt: '2025-06-01T00:00:00.000Z' },
          { status: 'approved' as const, from: '2023-08-01', recordedAt: '2025-06-01T00:00:00.000Z' },
          ...(body.approvalHistory ?? []).slice(1),
        ],
      };
      await repo.upsert(late);
      const found = await repo.findByCode(body.code);
      expect(found?.approvalHistory?.map((c) => `${c.status}@${c.from}`)).toEqual([
        'approved@2002-01-01',
        'suspended@2023-05-01',
        'approved@2023-08-01',
        'suspended@2024-11-10',
        'approved@2025-03-01',
      ]);
      expect(found?.approvalHistory?.[0]).toEqual({ status: 'approved', from: '2002-01-01' });
      expect((await repo.list()).find((b) => b.code === body.code)).toEqual(late);
    });

    test('when a body without a history is stored, then none appears on it', async () => {
      const body = makeBody({ code: code('NOH') });
      await repo.upsert(body);
      expect(await repo.findByCode(body.code)).not.toHaveProperty('approvalHistory');
    });

    test('when no body has the code, then it answers undefined', async () => {
      await expect(repo.findByCode(code('NONE'))).resolves.toBeUndefined();
      await expect(repo.findByCode('')).resolves.toBeUndefined();
    });

    test('when bodies are listed, then every stored body comes once, ordered by code', async () => {
      const prefix = code('LST').slice(0, 24);
      const bodies = ['C', 'A', 'B'].map((suffix) => makeBody({ code: `${prefix}-${suffix}` }));
      for (const body of bodies) await repo.upsert(body);
      await repo.upsert({ ...bodies[0], name: '再次上报' } as (typeof bodies)[number]);
      const list = await repo.list();
      const codes = list.map((b) => b.code);
      expect(codes).toEqual([...codes].sort());
      expect(new Set(codes).size).toBe(codes.length);
      const ours = list.filter((b) => b.code.startsWith(`${prefix}-`));
      expect(ours.map((b) => b.code)).toEqual([`${prefix}-A`, `${prefix}-B`, `${prefix}-C`]);
      expect(ours[2]?.name).toBe('再次上报');
    });

    test('when a body reports, then its last report time is recorded and nothing else changes', async () => {
      const body = makeBody({ code: code('TCH'), lastReportedAt: '2026-01-01T00:00:00.000Z' });
      await repo.upsert(body);
      await repo.touchLastReported(body.code, '2026-03-05T09:30:00.000Z');
      await expect(repo.findByCode(body.code)).resolves.toEqual({
        ...body,
        lastReportedAt: '2026-03-05T09:30:00.000Z',
      });
      const { lastReportedAt: _l, ...never } = makeBody({ code: code('TCH') });
      await repo.upsert(never);
      await repo.touchLastReported(never.code, '2026-03-06T10:00:00.000Z');
      await expect(repo.findByCode(never.code)).resolves.toMatchObject({
        lastReportedAt: '2026-03-06T10:00:00.000Z',
      });
    });

    test('when an unknown body reports, then nothing is created', async () => {
      const unknown = code('GHOST');
      await expect(repo.touchLastReported(unknown, '2026-03-05T09:30:00.000Z')).resolves.toBeUndefined();
      await expect(repo.findByCode(unknown)).resolves.toBeUndefined();
      expect((await repo.list()).some((b) => b.code === unknown)).toBe(false);
    });
  });
}
