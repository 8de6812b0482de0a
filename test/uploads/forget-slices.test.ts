/**
 * The portal forgets the cached answers of what an upload's storing process changed a slice at a time,
 * so that a lookup waits for one slice at most (server/uploads/upload-store-process.ts).
 */
import { forgetInSlices, type ChangedCertificate } from '../../server/uploads/upload-store-process';

test('when a batch changed more certificates than a slice, then all are forgotten in order, and other work runs between the slices', async () => {
  const changed: ChangedCertificate[] = Array.from({ length: 2500 }, (_, i) => ({
    publicId: `p${i}`,
    number: `N-${i}`,
    bodyCode: 'B1',
  }));
  const slices: string[][] = [];
  const forgotten = forgetInSlices(changed, async (certificates) => {
    slices.push(certificates.map((c) => c.publicId));
  });
  // Work that arrives meanwhile (a lookup) runs after the first slice, not after the whole batch.
  let slicesBeforeOtherWork = -1;
  setImmediate(() => (slicesBeforeOtherWork = slices.length));
  await forgotten;

  expect(slices.map((s) => s.length)).toEqual([1000, 1000, 500]);
  expect(slices.flat()).toEqual(changed.map((c) => c.publicId));
  expect(slicesBeforeOtherWork).toBe(1);
});
