import { newPublicId } from '../../server/certificates/certificate-records';
import { publicIdSchema } from '../../server/certificates/certificate-schema';

describe('public ids', () => {
  test('when 20,000 ids are drawn, then each is a valid public id starting with a letter or digit, and none repeats', () => {
    const ids = Array.from({ length: 20_000 }, newPublicId);
    // With 2 of 64 first characters excluded, about 625 of 20,000 unfiltered ids would start with - or _.
    expect(ids.filter((id) => !/^[A-Za-z0-9]/.test(id))).toEqual([]);
    expect(ids.filter((id) => !publicIdSchema.safeParse(id).success)).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
