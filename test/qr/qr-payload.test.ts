import {
  base64UrlDecode,
  base64UrlEncode,
  decodeFields,
  encodeFields,
  parseQrUrl,
  type SignedFields,
} from '../../server/qr/qr-payload';

const fields: SignedFields = {
  number: 'CQC25Q10001R1M',
  holderName: '重庆沙坪坝精密机械制造有限公司',
  holderCreditCode: '91500106MA5U7XXX1H',
  scheme: 'QMS',
  bodyCode: 'CQC',
  issueDate: '2025-01-10',
  expiryDate: '2028-01-09',
};

describe('the signed payload (shared with the browser)', () => {
  test('when fields are encoded, then they decode to the same fields', () => {
    expect(decodeFields(encodeFields(fields))).toEqual(fields);
  });

  test('when base64url is not canonical, then decoding refuses it (no two texts for one signature)', () => {
    const bytes = Uint8Array.from({ length: 64 }, (_, i) => i * 3);
    const text = base64UrlEncode(bytes);
    expect(base64UrlDecode(text)).toEqual(bytes);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // The last of 86 characters carries 4 unused bits: flipping the lowest one keeps the bytes.
    const twin = `${text.slice(0, -1)}${alphabet[alphabet.indexOf(text.at(-1) as string) ^ 1]}`;
    expect(() => base64UrlDecode(twin)).toThrow();
    expect(() => base64UrlDecode('AAAAA')).toThrow();
    expect(() => base64UrlDecode(`${text.slice(0, -1)}=`)).toThrow();
    expect(() => base64UrlDecode(text.replace(/./, '+'))).toThrow();
  });

  test('when a URL has an empty part in its fragment, then it is not a CertWatch code', () => {
    const id = 'A'.repeat(22);
    expect(parseQrUrl(`https://x.example/v/${id}#1.kid.data.sig`)).toMatchObject({
      kid: 'kid',
      publicId: id,
    });
    for (const hash of [
      '1..data.sig',
      '1.kid..sig',
      '1.kid.data.',
      '.kid.data.sig',
      '1.kid.data',
      '1.k!d.data.sig',
    ]) {
      expect(parseQrUrl(`https://x.example/v/${id}#${hash}`)).toBeUndefined();
    }
  });

  test('when the data is not a version-1 payload, then it decodes to nothing', () => {
    expect(decodeFields(base64UrlEncode(new TextEncoder().encode('a\u001fb')))).toBeUndefined();
    expect(decodeFields('!!')).toBeUndefined();
    expect(decodeFields(base64UrlEncode(Uint8Array.from([0xff, 0xfe])))).toBeUndefined();
  });
});
