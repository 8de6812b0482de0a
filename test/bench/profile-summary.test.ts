import { longestStretches, type CpuProfile } from '../../scripts/bench/profile-summary';

const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });

/** A profile of samples taken in `frames` (by id), `deltas` µs apart. */
function profile(samples: number[], deltas: number[]): CpuProfile {
  return {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 3, 4] },
      { id: 2, callFrame: frame('(idle)') },
      { id: 3, callFrame: frame('invalidate', 'file:///x/server/certificates/certificate-service.ts') },
      { id: 4, callFrame: frame('(garbage collector)') },
    ],
    startTime: 0,
    endTime: deltas.reduce((a, b) => a + b, 0),
    samples,
    timeDeltas: deltas,
  };
}

describe('longestStretches (profile-summary --stretches)', () => {
  it('when busy samples run between idle ones, then each run is one stretch, longest first, with where its time went', () => {
    //           idle  busy busy  gc   idle busy idle
    const p = profile([2, 3, 3, 4, 2, 3, 2], [1000, 1000, 2000, 3000, 1000, 4000, 1000]);
    const stretches = longestStretches(p, 5);
    expect(stretches.map((s) => s.ms)).toEqual([6, 4]);
    // The first stretch starts where its first sample's interval began (1 ms in).
    expect(stretches[0]?.startMs).toBe(1);
    expect(stretches[0]?.top.map((e) => [e.name.split(' ')[0], e.ms])).toEqual([
      ['invalidate', 3],
      ['(garbage', 3],
    ]);
    expect(stretches[1]?.startMs).toBe(8);
  });

  it('when asked for fewer stretches than there are, then only the longest come back', () => {
    const p = profile([3, 2, 3, 2, 3], [1000, 1000, 5000, 1000, 2000]);
    expect(longestStretches(p, 1).map((s) => s.ms)).toEqual([5]);
  });

  it('when the thread was never busy, then there is no stretch', () => {
    expect(longestStretches(profile([2, 2], [1000, 1000]), 3)).toEqual([]);
  });
});
