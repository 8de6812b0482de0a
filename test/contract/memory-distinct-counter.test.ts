import { createMemoryDistinctCounter } from '../../server/signals/memory-distinct-counter';
import { distinctCounterContract } from './distinct-counter.contract';

distinctCounterContract({
  name: 'memory',
  open: async (window) => createMemoryDistinctCounter({ window, maxValuesPerKey: 100 }),
  options: { tolerance: 0 },
});

const window = { windowSeconds: 3600, buckets: 6 };
const t0 = Date.parse('2026-05-01T08:00:00.000Z');
const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();

describe('memory distinct counter: bounded memory', () => {
  test('when a key sees more values than its cap, then its count stops at the cap and only the most recent are kept', async () => {
    const counter = createMemoryDistinctCounter({ window, maxValuesPerKey: 3 });
    const counts: number[] = [];
    for (const value of ['a', 'b', 'c', 'd', 'e']) counts.push(await counter.add('k', value, at(0)));
    expect(counts).toEqual([1, 2, 3, 3, 3]);
    // 'a' and 'b' were dropped: seeing 'e' again changes nothing, seeing 'a' again is a new value (still 3).
    await expect(counter.add('k', 'e', at(1))).resolves.toBe(3);
    await expect(counter.add('k', 'a', at(1))).resolves.toBe(3);
  });

  test('when more keys are counted than the cap, then the least recently used key is forgotten', async () => {
    const counter = createMemoryDistinctCounter({ window, maxValuesPerKey: 10, maxKeys: 2 });
    await counter.add('hot', 'n1', at(0));
    await counter.add('cold', 'n1', at(0));
    await counter.add('hot', 'n2', at(1));
    await counter.add('third', 'n1', at(2));
    // 'cold' went (least recently used), 'hot' stayed.
    await expect(counter.add('hot', 'n3', at(3))).resolves.toBe(3);
    await expect(counter.add('cold', 'n2', at(3))).resolves.toBe(1);
  });

  test('when keys are left alone for a whole window, then they are dropped as the window slides, with no cap forcing it', async () => {
    const counter = createMemoryDistinctCounter({ window, maxValuesPerKey: 10 });
    for (let i = 0; i < 100; i += 1) await counter.add(`old-${i}`, 'n1', at(0));
    await counter.add('live', 'n1', at(30));
    expect(counter.keyCount()).toBe(101);
    // An hour after the 'old-*' keys: they leave; 'live' (30 minutes old) stays with its value.
    await expect(counter.add('new', 'n1', at(61))).resolves.toBe(1);
    expect(counter.keyCount()).toBe(2);
    await expect(counter.add('live', 'n2', at(62))).resolves.toBe(2);
  });

  test('when the window or the caps make no sense, then it refuses to start', () => {
    expect(() =>
      createMemoryDistinctCounter({ window: { windowSeconds: 0, buckets: 6 }, maxValuesPerKey: 1 }),
    ).toThrow(/windowSeconds/);
    expect(() =>
      createMemoryDistinctCounter({ window: { windowSeconds: 60, buckets: 0 }, maxValuesPerKey: 1 }),
    ).toThrow(/buckets/);
    expect(() => createMemoryDistinctCounter({ window, maxValuesPerKey: 0 })).toThrow(/maxValuesPerKey/);
  });
});
