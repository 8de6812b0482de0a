/**
 * docs/qr-format.md is a specification with test vectors. These tests read the vectors out of the page
 * and check them both ways: the implementation signs exactly the documented bytes and signature, and both
 * the implementation and an independent verifier written from the page alone (independent-verifier.ts)
 * accept the documented codes, refuse them with any byte changed, and reach the documented verdicts.
 */
import crypto from 'node:crypto';
import request from 'supertest';
import type { Certificate } from '../../server/certificates/certificate-schema';
import {
  decodeFields,
  encodeFields,
  fragmentOf,
  HOLDER_DIGEST_BYTES,
  HOLDER_NAME_MAX_BYTES,
  HOLDER_PREFIX_MAX_BYTES,
  holderNameMatches,
  parseQrUrl,
  PAYLOAD_VERSION,
  signedHolderName,
  signingInput,
} from '../../server/qr/qr-payload';
import { ERROR_CORRECTION, MIN_LABEL_QR_MM, qrVersion } from '../../server/qr/qr-render';
import { signedFieldsOf } from '../../server/qr/qr-service';
import { kidOf, openKeyRing, type KeyRing } from '../../server/qr/signing-keys';
import { seedBody, seedCertificate } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import {
  decodeBase64Url,
  kidOf as independentKidOf,
  payloadOf,
  signUrl,
  verifyScan,
  type Fields,
  type Jwk,
  type RegistryRecord,
} from './independent-verifier';
import { formatDocBlocks, formatLimits, fragmentParts, withPart } from './qr-test-helpers';

interface TestKey {
  name: string;
  seedHex: string;
  publicKeyHex: string;
  kid: string;
  privateJwk: { kty: 'OKP'; crv: 'Ed25519'; d: string; x: string };
  publicJwk: Jwk & { alg: string; use: string };
}
interface Vector {
  name: string;
  legacy?: boolean;
  key: string;
  origin: string;
  publicId: string;
  registry: Fields;
  holderNameSha256Hex?: string;
  signedHolderName: string;
  payloadHex: string;
  data: string;
  signingInput: string;
  signingInputHex: string;
  kid: string;
  signature: string;
  url: string;
  qrVersionQ: number;
}
interface VerdictCase {
  name: string;
  portalOrigin: string;
  jwks: string[];
  removed?: string[];
  url: string;
  registry: ({ sameAs: string; status: RegistryRecord['status'] } & Partial<Fields>) | null;
  expected: { verdict: string; signature: string; differences?: string[] };
}

const limits = formatLimits();
const keys = formatDocBlocks<TestKey>('qr-test-key');
const vectors = formatDocBlocks<Vector>('qr-vector');
const cases = formatDocBlocks<VerdictCase>('qr-verdict-case');
const keyNamed = (name: string) => {
  const key = keys.find((k) => k.name === name);
  if (!key) throw new Error(`docs/qr-format.md names no test key ${name}`);
  return key;
};
const vectorNamed = (name: string) => {
  const vector = vectors.find((v) => v.name === name);
  if (!vector) throw new Error(`docs/qr-format.md names no vector ${name}`);
  return vector;
};
/** A documented key as the implementation loads one: a PKCS8 PEM in QR_SIGNING_KEYS. */
const pemOf = (key: TestKey) =>
  crypto
    .createPrivateKey({ key: { ...key.privateJwk }, format: 'jwk' })
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
const ringOf = (key: TestKey): KeyRing =>
  openKeyRing({ dataDir: '/nonexistent', configured: JSON.stringify([pemOf(key)]), watch: false });
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const nodeSha256 = (bytes: Uint8Array) => crypto.createHash('sha256').update(bytes).digest();
/** What the implementation signs for a vector's registry record. */
const signedFieldsOfRegistry = (r: Fields) =>
  signedFieldsOf({ ...r, holder: { name: r.holderName, creditCode: r.holderCreditCode } });
const recordOf = (c: VerdictCase): RegistryRecord | undefined => {
  if (!c.registry) return undefined;
  const { sameAs, ...overrides } = c.registry;
  return { ...vectorNamed(sameAs).registry, ...overrides };
};
/** Every byte of `bytes` changed in turn (its lowest bit flipped). */
function* eachByteChanged(bytes: Buffer): Generator<[number, Buffer]> {
  for (let i = 0; i < bytes.length; i += 1) {
    const changed = Buffer.from(bytes);
    changed[i] = (changed[i] as number) ^ 0x01;
    yield [i, changed];
  }
}

describe('docs/qr-format.md: the documented format against the implementation', () => {
  test('when the page is read, then it holds the limits, two test keys, five payloads and the verdict cases', () => {
    expect(keys.map((k) => k.name)).toEqual(['test-key-1', 'test-key-2']);
    expect(vectors).toHaveLength(5);
    expect(cases.length).toBeGreaterThanOrEqual(12);
    expect(new Set(cases.map((c) => c.expected.verdict))).toEqual(
      new Set([
        'GENUINE_VALID',
        'GENUINE_REVOKED',
        'SIGNATURE_INVALID',
        'UNKNOWN_KEY',
        'REMOVED_KEY',
        'FOREIGN_HOST',
        'REGISTRY_MISMATCH',
        'NOT_FOUND',
        'UNSIGNED_LINK',
      ]),
    );
  });

  test('when the limits are compared with the implementation, then they are the constants it signs and prints with', () => {
    // maxQrVersion is a promise about the codes made, checked on the vectors here and on labels in qr-images.
    const { maxQrVersion: _checkedOnCodes, ...constants } = limits;
    expect(constants).toEqual({
      payloadVersion: PAYLOAD_VERSION,
      fieldSeparatorHex: hex(new TextEncoder().encode('\u001f')),
      holderNameMaxBytes: HOLDER_NAME_MAX_BYTES,
      holderPrefixMaxBytes: HOLDER_PREFIX_MAX_BYTES,
      holderDigestBytes: HOLDER_DIGEST_BYTES,
      kidBytes: Buffer.from(kidOf(crypto.generateKeyPairSync('ed25519').publicKey), 'base64url').length,
      errorCorrection: ERROR_CORRECTION,
      minLabelQrMm: MIN_LABEL_QR_MM,
    });
  });

  test.each(keys.map((k) => [k.name, k] as const))(
    'when %s is derived from its seed, then its public key, JWKs and kid are the documented ones',
    (_name, key) => {
      const privateKey = crypto.createPrivateKey({
        key: Buffer.concat([
          Buffer.from('302e020100300506032b657004220420', 'hex'),
          Buffer.from(key.seedHex, 'hex'),
        ]),
        format: 'der',
        type: 'pkcs8',
      });
      const publicKey = crypto.createPublicKey(privateKey);
      const x = publicKey.export({ format: 'jwk' }).x as string;
      expect(Buffer.from(x, 'base64url').toString('hex')).toBe(key.publicKeyHex);
      expect(key.privateJwk).toEqual({
        kty: 'OKP',
        crv: 'Ed25519',
        d: Buffer.from(key.seedHex, 'hex').toString('base64url'),
        x,
      });
      expect(key.publicJwk).toEqual({
        kty: 'OKP',
        crv: 'Ed25519',
        x,
        kid: key.kid,
        alg: 'EdDSA',
        use: 'sig',
      });
      expect(kidOf(publicKey)).toBe(key.kid);
      expect(independentKidOf(x)).toBe(key.kid);
      // The implementation's key ring publishes the same JWK for it.
      const ring = ringOf(key);
      expect(ring.jwks()).toEqual({ keys: [key.publicJwk], removed: [] });
      ring.close();
    },
  );

  test.each(vectors.map((v) => [v.name, v] as const))(
    'when vector %s is signed by the implementation, then the payload, signing input, signature and URL are the documented bytes',
    (_name, v) => {
      const fields = v.legacy ? { ...v.registry } : signedFieldsOfRegistry(v.registry);
      expect(fields.holderName).toBe(v.signedHolderName);
      if (v.holderNameSha256Hex) {
        expect(hex(nodeSha256(new TextEncoder().encode(v.registry.holderName)))).toBe(v.holderNameSha256Hex);
        expect(v.signedHolderName.slice(-16)).toBe(
          Buffer.from(v.holderNameSha256Hex, 'hex')
            .subarray(0, limits.holderDigestBytes)
            .toString('base64url'),
        );
      }
      const data = encodeFields(fields);
      expect(data).toBe(v.data);
      expect(hex(Buffer.from(data, 'base64url'))).toBe(v.payloadHex);
      const input = signingInput(v.publicId, data);
      expect(hex(input)).toBe(v.signingInputHex);
      expect(Buffer.from(input).toString('latin1')).toBe(v.signingInput);
      const ring = ringOf(keyNamed(v.key));
      const { kid, signature } = ring.sign(input);
      ring.close();
      expect(kid).toBe(v.kid);
      expect(Buffer.from(signature).toString('base64url')).toBe(v.signature);
      expect(`${v.origin}/v/${v.publicId}#${fragmentOf(kid, data, v.signature)}`).toBe(v.url);
      // The independent signer, from the page's rules, makes the same URL.
      expect(payloadOf(fields).toString('hex')).toBe(v.payloadHex);
      expect(signUrl(v.origin, v.publicId, payloadOf(fields), keyNamed(v.key).seedHex)).toBe(v.url);
      // §9: the length formula, and the version.
      const payloadBytes = v.payloadHex.length / 2;
      expect(v.url.length).toBe(v.origin.length + 127 + Math.ceil((4 * payloadBytes) / 3));
      expect(qrVersion(v.url)).toBe(v.qrVersionQ);
      if (!v.legacy) expect(v.qrVersionQ).toBeLessThanOrEqual(limits.maxQrVersion);
    },
  );

  test.each(vectors.map((v) => [v.name, v] as const))(
    'when vector %s is verified, then the implementation and the independent verifier accept it, and refuse it with any one byte changed',
    async (_name, v) => {
      const key = keyNamed(v.key);
      const ring = ringOf(key);
      const parsed = parseQrUrl(v.url);
      expect(parsed).toEqual({
        origin: v.origin,
        publicId: v.publicId,
        version: '1',
        kid: v.kid,
        data: v.data,
        sig: v.signature,
      });
      const sig = Buffer.from(v.signature, 'base64url');
      expect(ring.verify(v.kid, signingInput(v.publicId, v.data), sig)).toBe('valid');
      const signed = { ...v.registry, holderName: v.signedHolderName };
      expect(decodeFields(v.data)).toEqual(signed);
      expect(await holderNameMatches(v.signedHolderName, v.registry.holderName, nodeSha256)).toBe(true);
      const portal = {
        origin: v.origin,
        jwks: [key.publicJwk],
        registry: (id: string) =>
          id === v.publicId ? { ...v.registry, status: 'valid' as const } : undefined,
      };
      expect(verifyScan(v.url, portal)).toEqual({
        verdict: 'GENUINE_VALID',
        signature: 'valid',
        fields: signed,
        differences: [],
      });

      const payload = Buffer.from(v.payloadHex, 'hex');
      for (const [i, changed] of eachByteChanged(payload)) {
        const data = changed.toString('base64url');
        const url = withPart(v.url, 'data', data);
        expect([i, ring.verify(v.kid, signingInput(v.publicId, data), sig)]).toEqual([i, 'invalid']);
        expect([i, verifyScan(url, portal).verdict]).toEqual([i, 'SIGNATURE_INVALID']);
      }
      for (const [i, changed] of eachByteChanged(sig)) {
        const url = withPart(v.url, 'sig', changed.toString('base64url'));
        expect([i, ring.verify(v.kid, signingInput(v.publicId, v.data), changed)]).toEqual([i, 'invalid']);
        expect([i, verifyScan(url, portal).verdict]).toEqual([i, 'SIGNATURE_INVALID']);
      }
      const publicId = Buffer.from(v.publicId, 'base64url');
      for (const [i, changed] of eachByteChanged(publicId)) {
        const otherId = changed.toString('base64url');
        expect([i, ring.verify(v.kid, signingInput(otherId, v.data), sig)]).toEqual([i, 'invalid']);
      }
      ring.close();
    },
  );

  test('when a signed holder name is compared with the registry, then the implementation and the page agree', async () => {
    const long = vectorNamed('long-chinese-name');
    const renamed = long.registry.holderName.replace('股份有限公司', '有限责任公司');
    const pairs: [string, string, boolean][] = [
      [long.signedHolderName, long.registry.holderName, true],
      // Printed before shortening: the whole name, however long.
      [long.registry.holderName, long.registry.holderName, true],
      // A rename after the prefix changes the fingerprint.
      [long.signedHolderName, renamed, false],
      // A short registry name never matches a shortened one, even with the same prefix.
      [long.signedHolderName, [...long.registry.holderName].slice(0, 13).join(''), false],
      ['重庆某公司', '重庆某公司', true],
      ['重庆某公司', '重庆某公司 ', false],
    ];
    for (const [signed, name, matches] of pairs) {
      expect([signed, name, await holderNameMatches(signed, name, nodeSha256)]).toEqual([
        signed,
        name,
        matches,
      ]);
    }
    // Cut at a character boundary: a 4-byte character that would cross the 40-byte limit stays out.
    const name = `${'重'.repeat(12)}ab𠀀${'庆'.repeat(20)}`;
    const signed = signedHolderName(name, nodeSha256);
    expect(signed.startsWith(`${'重'.repeat(12)}ab\u2026#`)).toBe(true);
    expect(new TextEncoder().encode(signed).length).toBeLessThanOrEqual(limits.holderNameMaxBytes);
  });

  test('when base64url is not canonical, then the independent verifier refuses it as the implementation does', () => {
    expect(decodeBase64Url('AAAA')).toEqual(Buffer.from([0, 0, 0]));
    for (const text of ['AAAAA', 'AB', 'AA==', 'A+AA', 'A/AA']) expect(decodeBase64Url(text)).toBeUndefined();
  });
});

describe('docs/qr-format.md: the documented verdicts', () => {
  let t: TestApp;
  beforeAll(() => {
    t = createTestApp({
      env: {
        PUBLIC_BASE_URL: 'https://certwatch.example.gov.cn',
        QR_SIGNING_KEYS: JSON.stringify([pemOf(keyNamed('test-key-1'))]),
      },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  test.each(cases.map((c) => [c.name, c] as const))(
    'when case %s is checked by the independent verifier, then it reaches the documented verdict',
    (_name, c) => {
      const record = recordOf(c);
      const outcome = verifyScan(c.url, {
        origin: c.portalOrigin,
        jwks: c.jwks.map((name) => keyNamed(name).publicJwk),
        removed: c.removed,
        registry: (id) => (record && c.url.includes(`/v/${id}`) ? record : undefined),
      });
      expect({
        verdict: outcome.verdict,
        signature: outcome.signature,
        ...(c.expected.differences ? { differences: [...(outcome.differences ?? [])].sort() } : {}),
      }).toEqual({
        ...c.expected,
        ...(c.expected.differences ? { differences: [...c.expected.differences].sort() } : {}),
      });
    },
  );

  test.each(cases.map((c) => [c.name, c] as const))(
    'when case %s is checked by the implementation (its registry holding none of the ids), then the signature state is the documented one',
    async (_name, c) => {
      expect(c.portalOrigin).toBe('https://certwatch.example.gov.cn');
      expect(c.jwks).toEqual(['test-key-1']);
      const answer = await t.services.qr.verify(c.url);
      // This portal is configured with a key list (QR_SIGNING_KEYS), which keeps no record of removed
      // keys (§7): a code of a key it withdrew is just unknown to it.
      expect(answer.signature).toBe(c.removed?.length ? 'unknown-key' : c.expected.signature);
      // Verdicts that do not depend on the registry are the documented ones.
      if (['SIGNATURE_INVALID', 'UNKNOWN_KEY', 'FOREIGN_HOST'].includes(c.expected.verdict)) {
        expect(answer.verdict).toBe(c.expected.verdict);
      }
    },
  );
});

describe('the implementation through the API, signing with the documented test key', () => {
  const ORIGIN = 'https://certwatch.example.gov.cn';
  const long = vectorNamed('long-chinese-name');
  let t: TestApp;
  let cert: Certificate;
  beforeAll(async () => {
    t = createTestApp({
      env: { PUBLIC_BASE_URL: ORIGIN, QR_SIGNING_KEYS: JSON.stringify([pemOf(keyNamed('test-key-1'))]) },
    });
    await seedBody(t.services, { code: long.registry.bodyCode, approvedSchemes: ['QMS', 'EMS'] });
    cert = await seedCertificate(t.services, {
      number: long.registry.number,
      bodyCode: long.registry.bodyCode,
      scheme: long.registry.scheme,
      holder: { name: long.registry.holderName, creditCode: long.registry.holderCreditCode },
      issueDate: long.registry.issueDate,
      expiryDate: long.registry.expiryDate,
    });
  });
  afterAll(async () => {
    await t.close();
  });
  const scan = (text: string) => request(t.app).post('/api/v1/scan').send({ text });
  const recordOfCert = (c: Certificate): RegistryRecord => ({
    status: 'valid',
    number: c.number,
    holderName: c.holder.name,
    holderCreditCode: c.holder.creditCode,
    scheme: c.scheme,
    bodyCode: c.bodyCode,
    issueDate: c.issueDate,
    expiryDate: c.expiryDate,
  });

  test('when a certificate with a long name is printed, then its code carries the documented payload and both verifiers accept it', async () => {
    const { url } = t.services.qr.signedUrl(cert);
    expect(fragmentParts(url)).toMatchObject({ version: '1', kid: long.kid, data: long.data });
    const record = recordOfCert(cert);
    expect(
      verifyScan(url, { origin: ORIGIN, jwks: [keyNamed(long.key).publicJwk], registry: () => record }),
    ).toMatchObject({ verdict: 'GENUINE_VALID', differences: [] });
    const res = await scan(url);
    expect(res).toMatchObject({
      status: 200,
      body: {
        verdict: 'GENUINE_VALID',
        signature: 'valid',
        signedFields: { holderName: long.signedHolderName },
        differences: [],
      },
    });
    // One changed byte of the payload.
    const changed = Buffer.from(long.payloadHex, 'hex');
    changed[changed.length - 1] = (changed[changed.length - 1] as number) ^ 0x01;
    const altered = await scan(withPart(url, 'data', changed.toString('base64url')));
    expect(altered).toMatchObject({
      status: 200,
      body: { verdict: 'SIGNATURE_INVALID', signature: 'invalid' },
    });
  });

  test('when a code printed before names were shortened (the whole long name) is scanned, then it is still GENUINE_VALID', async () => {
    const legacy = vectorNamed('printed-before-shortening');
    const url = signUrl(
      ORIGIN,
      cert.publicId,
      Buffer.from(legacy.payloadHex, 'hex'),
      keyNamed(legacy.key).seedHex,
    );
    const res = await scan(url);
    expect(res).toMatchObject({
      status: 200,
      body: {
        verdict: 'GENUINE_VALID',
        signedFields: { holderName: long.registry.holderName },
        differences: [],
      },
    });
  });

  test('when the holder is renamed after the signed prefix, then the shortened code is REGISTRY_MISMATCH naming the holder', async () => {
    const other = await seedCertificate(t.services, {
      number: `${long.registry.number}-2`,
      bodyCode: long.registry.bodyCode,
      scheme: long.registry.scheme,
      holder: { name: long.registry.holderName, creditCode: long.registry.holderCreditCode },
      issueDate: long.registry.issueDate,
      expiryDate: long.registry.expiryDate,
    });
    const { url } = t.services.qr.signedUrl(other);
    const renamed = await seedCertificate(t.services, {
      number: other.number,
      bodyCode: other.bodyCode,
      scheme: other.scheme,
      holder: {
        name: long.registry.holderName.replace('股份有限公司', '有限责任公司'),
        creditCode: other.holder.creditCode,
      },
      issueDate: other.issueDate,
      expiryDate: other.expiryDate,
    });
    expect(renamed.publicId).toBe(other.publicId);
    const res = await scan(url);
    expect(res).toMatchObject({
      status: 200,
      body: { verdict: 'REGISTRY_MISMATCH', signature: 'valid', differences: ['holderName'] },
    });
    expect(
      verifyScan(url, {
        origin: ORIGIN,
        jwks: [keyNamed(long.key).publicJwk],
        registry: () => recordOfCert(renamed),
      }),
    ).toMatchObject({ verdict: 'REGISTRY_MISMATCH', differences: ['holderName'] });
  });
});
