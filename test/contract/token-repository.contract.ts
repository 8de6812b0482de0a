import { randomBytes } from 'node:crypto';
import type { TokenRepository } from '../../server/bodies/token-repository';
import type { ApiToken } from '../../server/bodies/token-schema';
import { unique } from '../helpers/factories';

export interface TokenRepositoryHarness {
  name: string;
  /** A repository on a store of its own; `close` releases it and removes what the run stored. */
  open(): Promise<{ repo: TokenRepository; close(): Promise<void> }>;
  /** Backend differences the suite allows for: none so far, every adapter behaves the same. */
  options: Record<string, never>;
}

/** A token id no other test uses, in the shape the service issues (16 base64url characters). */
const tokenId = () => randomBytes(12).toString('base64url');
/** A body code no other test uses. */
const bodyCode = (prefix: string) => unique(prefix).slice(0, 32);

function makeToken(overrides: Partial<ApiToken> = {}): ApiToken {
  return {
    id: tokenId(),
    role: 'admin',
    label: 'contract test',
    secretHash: randomBytes(32).toString('hex'),
    createdAt: '2026-03-01T08:00:00.000Z',
    expiresAt: '2027-03-01T08:00:00.000Z',
    createdBy: 'system',
    ...overrides,
  };
}

/** The behaviour every `TokenRepository` adapter must have; each adapter's test file calls this. */
export function tokenRepositoryContract(harness: TokenRepositoryHarness): void {
  describe(`TokenRepository contract: ${harness.name}`, () => {
    let repo: TokenRepository;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ repo, close } = await harness.open());
    });
    afterAll(async () => {
      await close();
    });

    test('when a token is stored, then it is found by its id exactly as stored', async () => {
      const token = makeToken({ role: 'body', bodyCode: bodyCode('TOK'), label: '上报系统 API' });
      await expect(repo.create(token)).resolves.toEqual(token);
      await expect(repo.findById(token.id)).resolves.toEqual(token);
    });

    test('when a token has no optional fields, then none appears on it', async () => {
      const { expiresAt: _e, ...token } = makeToken({ role: 'inspector' });
      await repo.create(token);
      const found = await repo.findById(token.id);
      expect(found).toEqual(token);
      expect(found).not.toHaveProperty('bodyCode');
      expect(found).not.toHaveProperty('expiresAt');
      expect(found).not.toHaveProperty('revokedAt');
    });

    test('when an inspector token carries its inspector, then the link reads back on find, list and revoke', async () => {
      const token = makeToken({ role: 'inspector', inspectorId: 'CQ-SPB-0012', label: '李检查的令牌' });
      await expect(repo.create(token)).resolves.toEqual(token);
      await expect(repo.findById(token.id)).resolves.toEqual(token);
      expect((await repo.list({})).find((t) => t.id === token.id)).toEqual(token);
      const revoked = { ...token, revokedAt: '2026-03-05T09:30:00.000Z' };
      await expect(repo.revoke(token.id, '2026-03-05T09:30:00.000Z')).resolves.toEqual(revoked);
      await expect(repo.findById(token.id)).resolves.toEqual(revoked);
    });

    test('when an inspector token has no inspector, then none appears on it', async () => {
      const token = makeToken({ role: 'inspector', label: 'CQ-SPB-0012' });
      await repo.create(token);
      const found = await repo.findById(token.id);
      expect(found).toEqual(token);
      expect(found).not.toHaveProperty('inspectorId');
    });

    test('when a token id is taken, then a second token with it is refused and the first is kept', async () => {
      const first = makeToken();
      await repo.create(first);
      // Compared by outcome: a driver's error may come from another realm, which `toThrow` does not recognise.
      const outcome = await repo.create({ ...makeToken(), id: first.id, label: 'impostor' }).then(
        () => 'stored',
        () => 'refused',
      );
      expect(outcome).toBe('refused');
      await expect(repo.findById(first.id)).resolves.toEqual(first);
    });

    test('when no token has the id, then it answers undefined', async () => {
      await expect(repo.findById(tokenId())).resolves.toBeUndefined();
      await expect(repo.findById('')).resolves.toBeUndefined();
    });

    test("when tokens are listed for a body, then only that body's come, newest first", async () => {
      const code = bodyCode('LST');
      const other = bodyCode('OTH');
      const old = makeToken({ role: 'body', bodyCode: code, createdAt: '2026-01-01T00:00:00.000Z' });
      const newest = makeToken({ role: 'body', bodyCode: code, createdAt: '2026-03-01T00:00:00.000Z' });
      const middle = makeToken({ role: 'body', bodyCode: code, createdAt: '2026-02-01T00:00:00.000Z' });
      const foreign = makeToken({ role: 'body', bodyCode: other, createdAt: '2026-02-15T00:00:00.000Z' });
      for (const token of [old, newest, middle, foreign]) await repo.create(token);

      await expect(repo.list({ bodyCode: code })).resolves.toEqual([newest, middle, old]);
      await expect(repo.list({ bodyCode: bodyCode('NONE') })).resolves.toEqual([]);
    });

    test('when all tokens are listed, then every token comes once, newest first, of every role', async () => {
      const admin = makeToken({ createdAt: '2030-01-02T00:00:00.000Z' });
      const body = makeToken({
        role: 'body',
        bodyCode: bodyCode('ALL'),
        createdAt: '2030-01-01T00:00:00.000Z',
      });
      await repo.create(body);
      await repo.create(admin);
      const list = await repo.list({});
      const ids = list.map((t) => t.id);
      expect(new Set(ids).size).toBe(ids.length);
      const times = list.map((t) => t.createdAt);
      expect(times).toEqual([...times].sort().reverse());
      expect(list.slice(0, 2)).toEqual([admin, body]);
    });

    test('when tokens are created in the same millisecond, then the later one lists first', async () => {
      const code = bodyCode('TIE');
      const at = '2026-04-01T00:00:00.000Z';
      const first = makeToken({ role: 'body', bodyCode: code, createdAt: at });
      const second = makeToken({ role: 'body', bodyCode: code, createdAt: at });
      await repo.create(first);
      await repo.create(second);
      await expect(repo.list({ bodyCode: code })).resolves.toEqual([second, first]);
    });

    test('when a token is revoked, then it is kept with its revocation time and nothing else changes', async () => {
      const token = makeToken();
      await repo.create(token);
      const revoked = { ...token, revokedAt: '2026-03-05T09:30:00.000Z' };
      await expect(repo.revoke(token.id, '2026-03-05T09:30:00.000Z')).resolves.toEqual(revoked);
      await expect(repo.findById(token.id)).resolves.toEqual(revoked);
    });

    test('when a token is revoked twice, then the first time stays', async () => {
      const token = makeToken();
      await repo.create(token);
      await repo.revoke(token.id, '2026-03-05T09:30:00.000Z');
      await expect(repo.revoke(token.id, '2026-03-06T10:00:00.000Z')).resolves.toMatchObject({
        revokedAt: '2026-03-05T09:30:00.000Z',
      });
      await expect(repo.findById(token.id)).resolves.toMatchObject({
        revokedAt: '2026-03-05T09:30:00.000Z',
      });
    });

    test('when an unknown token is revoked, then it answers undefined and creates nothing', async () => {
      const id = tokenId();
      const before = await repo.count();
      await expect(repo.revoke(id, '2026-03-05T09:30:00.000Z')).resolves.toBeUndefined();
      await expect(repo.findById(id)).resolves.toBeUndefined();
      expect(await repo.count()).toBe(before);
    });

    test('when tokens are created or revoked, then count follows creations only', async () => {
      const before = await repo.count();
      const token = makeToken();
      await repo.create(token);
      await repo.create(makeToken());
      await repo.revoke(token.id, '2026-03-05T09:30:00.000Z');
      expect(await repo.count()).toBe(before + 2);
    });
  });
}
