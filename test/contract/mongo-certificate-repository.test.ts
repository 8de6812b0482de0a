import { describeWithMongo, mongoUri, openMongoRepositoryOnSharedStores } from '../helpers/mongo-harness';
import { certificateModel } from '../../server/certificates/mongo-certificate-repository';
import { openMongoStores } from '../../server/composition/mongo-stores';
import { creditCode, makeCertificate } from '../helpers/factories';
import {
  certificateRepositoryContract,
  type CertificateRepositoryHarness,
} from './certificate-repository.contract';
import { certificateListContract } from './certificate-list.contract';

/** A database of its own for each open, dropped on close. */
const testDbName = () =>
  `certwatch_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;

describeWithMongo('MongoDB certificate repository', () => {
  const harness: CertificateRepositoryHarness = {
    name: 'mongo',
    options: { idPattern: /^[0-9a-f]{24}$/ },
    open: openMongoRepositoryOnSharedStores((stores) => stores.certificates),
  };
  certificateRepositoryContract(harness);
  certificateListContract(harness);

  test('when the stores open, then the indexes the queries need exist', async () => {
    const stores = await openMongoStores(mongoUri as string, { dbName: testDbName() });
    try {
      const indexes = await stores.connection.collection('certificates').indexes();
      const byKey = new Map(indexes.map((i) => [JSON.stringify(i.key), i]));
      expect(byKey.get('{"publicId":1}')?.unique).toBe(true);
      expect(byKey.get('{"bodyCode":1,"number":1}')?.unique).toBe(true);
      for (const key of [
        '{"number":1,"_id":1}',
        '{"holder.creditCode":1,"_id":1}',
        '{"holder.nameGrams":1,"_id":1}',
      ]) {
        expect(byKey.has(key)).toBe(true);
      }
      await expect(stores.ping()).resolves.toBeUndefined();
    } finally {
      await stores.connection.dropDatabase();
      await stores.close();
    }
  });
});

// explain shows index use only on a real MongoDB: the wire server CI runs has no query planner.
describeWithMongo('MongoDB certificate repository, index use', { realServer: true }, () => {
  test('when searching by holder name, then the server walks the gram index, never the collection', async () => {
    const stores = await openMongoStores(mongoUri as string, { dbName: testDbName() });
    try {
      await stores.certificates.upsertMany(
        Array.from({ length: 30 }, (_, i) =>
          makeCertificate({ holder: { name: `索引测试第${i}精密机械有限公司`, creditCode: creditCode() } }),
        ),
        '2026-03-01T00:00:00.000Z',
      );
      // The adapter's own find, as mongoose sends it, then explained by the server.
      const sent: { filter: object; options: object }[] = [];
      stores.connection.set(
        'debug',
        (_collection: string, method: string, filter: object, options: object) => {
          if (method === 'find') sent.push({ filter, options });
        },
      );
      const page = await stores.certificates.searchByHolderName({
        fragment: '精密机械',
        limit: 5,
        offset: 0,
        countLimit: 20,
      });
      stores.connection.set('debug', false);
      expect(page).toMatchObject({ total: 20, totalCapped: true });
      expect(sent).toHaveLength(1);
      const { filter, options } = sent[0] as { filter: object; options: object };
      const explained = await certificateModel(stores.connection)
        .collection.find(filter, options)
        .explain('queryPlanner');
      const plan = JSON.stringify(explained.queryPlanner);
      expect(plan).toContain('IXSCAN');
      expect(plan).toContain('holder.nameGrams');
      expect(plan).not.toContain('COLLSCAN');
    } finally {
      await stores.connection.dropDatabase();
      await stores.close();
    }
  });
});
