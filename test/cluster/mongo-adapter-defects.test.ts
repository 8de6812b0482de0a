/**
 * What the wire server's replies cannot show, checked on the commands the adapters send and the indexes
 * they leave: the audit head is read with majority read concern from the primary, and start-up reconciles
 * the declared indexes (creates missing ones, names undeclared ones in a warning).
 */
import { Writable } from 'node:stream';
import { openMongoStores, type MongoStores } from '../../server/composition/mongo-stores';
import { digestOf, type AuditRecord } from '../../server/audit/audit-schema';
import { certificateModel } from '../../server/certificates/mongo-certificate-repository';
import { createLogger } from '../../server/platform/logger';
import { describeWithMongo, mongoUri } from '../helpers/mongo-harness';

const dbName = () =>
  `certwatch_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;

/** A logger whose lines are kept, parsed. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger('info', destination), lines };
}

describeWithMongo('MongoDB adapters: what the commands say', () => {
  let stores: MongoStores | undefined;
  afterEach(async () => {
    await stores?.connection.dropDatabase();
    await stores?.close();
    stores = undefined;
  });

  test('when the audit log appends, then its head is read with majority read concern from the primary', async () => {
    stores = await openMongoStores(mongoUri as string, { dbName: dbName() });
    // What mongoose hands the driver for each audit_log read (the wire server ignores read concerns).
    const reads: Record<string, unknown>[] = [];
    stores.connection.set('debug', (collection: string, method: string, ...args: unknown[]) => {
      if (collection === 'audit_log' && method.startsWith('find'))
        reads.push(args[1] as Record<string, unknown>);
    });
    const record: AuditRecord = {
      at: new Date().toISOString(),
      actor: { type: 'system' },
      action: 'test.append',
      target: { type: 't', id: '1' },
      digest: digestOf({ n: 1 }),
    };
    await stores.audit.append(record, { n: 1 });
    await stores.audit.head();
    expect(reads.length).toBeGreaterThanOrEqual(2);
    for (const options of reads) {
      expect(options).toMatchObject({ readConcern: { level: 'majority' } });
      expect(JSON.stringify(options.readPreference)).toContain('primary');
    }
  });

  test('when a declared index is missing and an undeclared one present at start, then the missing one is created and both are named in a warning', async () => {
    const name = dbName();
    stores = await openMongoStores(mongoUri as string, { dbName: name });
    const before = certificateModel(stores.connection).collection;
    await before.dropIndex('publicId_1');
    await before.createIndex({ scope: 1 }, { name: 'scope_by_hand' });
    await stores.close();

    const { logger, lines } = capturingLogger();
    stores = await openMongoStores(mongoUri as string, { dbName: name }, logger);
    expect(stores.indexDrift).toEqual([
      { collection: 'certificates', missing: [JSON.stringify({ publicId: 1 })], extra: ['scope_by_hand'] },
    ]);
    const indexes = await certificateModel(stores.connection).collection.listIndexes().toArray();
    expect(indexes.find((i) => i.name === 'publicId_1')).toMatchObject({ unique: true });
    // An index an operator added is reported, never dropped.
    expect(indexes.map((i) => i.name)).toContain('scope_by_hand');
    const warning = lines.find((l) => l.level === 40 && l.collection === 'certificates');
    expect(String(warning?.msg)).toContain('publicId');
    expect(String(warning?.msg)).toContain('scope_by_hand');
  });

  test('when the database is new, then every declared index is created and no drift is reported', async () => {
    const { logger, lines } = capturingLogger();
    stores = await openMongoStores(mongoUri as string, { dbName: dbName() }, logger);
    expect(stores.indexDrift).toEqual([]);
    expect(lines.filter((l) => l.level === 40)).toEqual([]);
    const names = (await certificateModel(stores.connection).collection.listIndexes().toArray()).map(
      (i) => i.name,
    );
    expect(names).toEqual(expect.arrayContaining(['publicId_1', 'bodyCode_1_number_1']));
  });
});
