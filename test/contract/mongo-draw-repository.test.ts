import { describeWithMongo, mongoUri } from '../helpers/mongo-harness';
import { openMongoStores } from '../../server/composition/mongo-stores';
import mongoose from 'mongoose';
import { createMongoDrawRepository, drawModel } from '../../server/draws/mongo-draw-repository';
import {
  drawRepositoryContract,
  LARGE_POPULATION,
  largeSnapshot,
  makeDraw,
} from './draw-repository.contract';

/** A small cursor batch for holder certificates: the contract crosses batches with a few hundred. */
const HOLDER_PAGE = 100;

/** The last entity of largeSnapshot(). */
const LAST_ID = `91500106${String(LARGE_POPULATION - 1).padStart(10, '0')}`;

describeWithMongo('MongoDB draw repository', () => {
  drawRepositoryContract({
    name: 'mongo',
    options: { holderPage: HOLDER_PAGE },
    async open() {
      const dbName = `certwatch_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
      const stores = await openMongoStores(mongoUri as string, { dbName });
      return {
        repo: createMongoDrawRepository(stores.connection, { holderBatch: HOLDER_PAGE }),
        certificates: stores.certificates,
        async close() {
          await stores.connection.dropDatabase();
          await stores.close();
        },
      };
    },
  });

  // The wire server does not enforce MongoDB's 16 MB document limit: measure the document instead. The
  // population (about 9 MB, LARGE_POPULATION) would not fit below 1 MB, so the plan's document holds none of
  // it, and stays as small with the 100,000 entities (about 25 MB) a draw may take.
  test('when a draw with a large population is stored, then its own document stays far below 16 MB', async () => {
    const dbName = `certwatch_test_${process.pid}_${Date.now().toString(36)}_large`;
    const stores = await openMongoStores(mongoUri as string, { dbName });
    try {
      const draw = makeDraw();
      await stores.draws.create(draw, largeSnapshot());
      const doc = await drawModel(stores.connection).findOne({ id: draw.id }).lean();
      expect(doc).not.toBeNull();
      expect(mongoose.mongo.BSON.calculateObjectSize(doc as object)).toBeLessThan(1024 * 1024);
      await expect(stores.draws.snapshot(draw.id)).resolves.toMatchObject({
        population: expect.arrayContaining([expect.objectContaining({ id: LAST_ID })]),
      });
    } finally {
      await stores.connection.dropDatabase();
      await stores.close();
    }
  }, 120_000);
});
