import { createMemoryCache } from '../../server/platform/memory-cache';
import { cacheContract } from './cache.contract';

cacheContract({
  name: 'memory (LRU)',
  open: async () => createMemoryCache(),
  close: (cache) => cache.close(),
  options: { backend: 'memory' },
});

test('when more keys are set than the LRU holds, then the least recently used are dropped', async () => {
  const cache = createMemoryCache({ maxEntries: 2 });
  await cache.set('a', 'A', 60);
  await cache.set('b', 'B', 60);
  await cache.get('a');
  await cache.set('c', 'C', 60);
  await expect(cache.getMany(['a', 'b', 'c'])).resolves.toEqual(['A', undefined, 'C']);
  await cache.close();
});

test('when values outgrow the size bound, then the least recently used are dropped, and a value larger than the bound is not kept', async () => {
  const cache = createMemoryCache({ maxBytes: 1000 }); // about 500 UTF-16 code units
  await cache.set('a', 'x'.repeat(200), 60);
  await cache.set('b', 'y'.repeat(200), 60);
  await cache.get('a');
  await cache.set('c', 'z'.repeat(200), 60);
  await cache.set('huge', 'h'.repeat(600), 60);
  await expect(cache.getMany(['a', 'b', 'c', 'huge'])).resolves.toEqual([
    'x'.repeat(200),
    undefined,
    'z'.repeat(200),
    undefined,
  ]);
  await cache.close();
});
