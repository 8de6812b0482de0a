import type { StatsRepository } from '../../server/stats/stats-repository';
import { createStatsService, monthsUpTo } from '../../server/stats/stats-service';

/** A stats port that counts its calls and can be made to fail; `valid` QMS certificates this month. */
function fakePort(valid: { n: number; fail: boolean }) {
  const calls = { certificates: 0 };
  const repo: StatsRepository = {
    async certificateTallies(expiredBefore) {
      if (valid.fail) throw new Error('store unavailable');
      if (expiredBefore === undefined) calls.certificates += 1;
      return expiredBefore === undefined
        ? [{ scheme: 'QMS', status: 'valid', issueMonth: '2026-06', count: valid.n }]
        : [];
    },
    async tipsByMonth() {
      return [];
    },
    async casesByMonth() {
      return [];
    },
    async recordsByMonth() {
      return [];
    },
  };
  return { repo, calls };
}

describe('stats service: figures computed at most once per cache time', () => {
  const start = Date.parse('2026-06-15T04:00:00.000Z');

  test('when the months are listed, then twelve China-time months end with the current one, across a year', () => {
    expect(monthsUpTo('2026-03-31', 4)).toEqual(['2025-12', '2026-01', '2026-02', '2026-03']);
    expect(monthsUpTo('2026-06-15', 12)).toHaveLength(12);
  });

  test('when asked again within the cache time, then the figures computed first are served; after it, new ones', async () => {
    const state = { n: 3, fail: false };
    const { repo, calls } = fakePort(state);
    let now = start;
    const stats = createStatsService({
      stats: repo,
      scans: { countsByDay: async () => [] },
      ttlSeconds: 300,
      now: () => now,
    });
    const [a, b] = await Promise.all([stats.current(), stats.current()]);
    expect(calls.certificates).toBe(1);
    expect(a).toBe(b);
    expect(a.certificates.byStatus.valid).toBe(3);
    expect(a.months.at(-1)).toBe('2026-06');
    expect(a.scans).toHaveLength(30);
    expect(a.scans.at(-1)).toEqual({ day: '2026-06-15', scans: 0 });

    state.n = 5;
    now = start + 299_000;
    await expect(stats.current()).resolves.toMatchObject({ certificates: { byStatus: { valid: 3 } } });
    now = start + 300_000;
    await expect(stats.current()).resolves.toMatchObject({ certificates: { byStatus: { valid: 5 } } });
    expect(calls.certificates).toBe(2);
  });

  test('when the store fails after figures were computed, then the last figures are served; with none, it rejects', async () => {
    const state = { n: 2, fail: true };
    const { repo } = fakePort(state);
    let now = start;
    const stats = createStatsService({
      stats: repo,
      scans: { countsByDay: async () => [] },
      ttlSeconds: 60,
      now: () => now,
    });
    await expect(stats.current()).rejects.toThrow('store unavailable');
    state.fail = false;
    await expect(stats.current()).resolves.toMatchObject({ certificates: { total: 2 } });
    state.fail = true;
    now += 61_000;
    await expect(stats.current()).resolves.toMatchObject({ certificates: { total: 2 } });
  });
});
