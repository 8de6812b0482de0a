import { describeWithMongo, mongoUri, openMongoRepositoryOnSharedStores } from '../helpers/mongo-harness';
import type { StoredAuditEntry } from '../../server/audit/audit-repository';
import { digestOf, type AuditRecord } from '../../server/audit/audit-schema';
import { openMongoStores } from '../../server/composition/mongo-stores';
import { auditRepositoryContract, expectOneChain, expectTreeOfEntries } from './audit-repository.contract';

describeWithMongo('MongoDB audit repository', () => {
  auditRepositoryContract({
    name: 'mongo',
    // Stores shared by the file's tests, emptied for each: every test starts from an empty log.
    open: openMongoRepositoryOnSharedStores((stores) => stores.audit),
  });

  test('when two instances append at once, then their entries form one chain (duplicate seq retried)', async () => {
    const dbName = `certwatch_test_${process.pid}_${Date.now().toString(36)}_two`;
    const a = await openMongoStores(mongoUri as string, { dbName });
    const b = await openMongoStores(mongoUri as string, { dbName });
    try {
      const record = (actor: string, i: number): AuditRecord => ({
        at: new Date().toISOString(),
        actor: { type: 'token', id: actor },
        action: 'upload.finish',
        target: { type: 'upload', id: `${actor}-${i}` },
        digest: digestOf({ i }),
      });
      // Two connections are two instances: each serialises its own appends, so they collide only with
      // each other, on the unique seq index, and the loser re-reads the head and retries.
      await Promise.all(
        Array.from({ length: 60 }, (_v, i) =>
          (i % 2 ? a : b).audit.append(record(i % 2 ? 'A' : 'B', i), { i }),
        ),
      );
      const stored: StoredAuditEntry[] = [];
      for await (const entry of a.audit.entries(1, 25)) stored.push(entry);
      expect(stored).toHaveLength(60);
      expectOneChain(stored);
      // Both instances extended the tree, racing on the same nodes: still the one tree of the entries.
      await expectTreeOfEntries(a.audit);
      await expectTreeOfEntries(b.audit);
    } finally {
      await a.connection.dropDatabase();
      await a.close();
      await b.close();
    }
  });
});
