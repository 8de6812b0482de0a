import { Schema, Types, type Connection, type Model } from 'mongoose';
import { SCAN_VERDICTS, type ScanEvent } from './qr-schema';
import { scansPerDay, type ScanDayCount, type ScanRepository, type ScanSpread } from './scan-repository';

/** One scan; `_id` (an ObjectId, increasing as written by one process) breaks ties of equal times. */
interface ScanDoc {
  _id: Types.ObjectId;
  at: string;
  publicId?: string;
  verdict: ScanEvent['verdict'];
  networkHash: string;
}

const scanSchema = new Schema<ScanDoc>(
  {
    // ISO strings, as in every other adapter: they sort as they compare.
    at: { type: String, required: true },
    publicId: String,
    verdict: { type: String, enum: SCAN_VERDICTS, required: true },
    networkHash: { type: String, required: true },
  },
  { collection: 'scans', versionKey: false, strict: 'throw', id: false },
);
scanSchema.index({ publicId: 1, at: -1, _id: -1 });
scanSchema.index({ at: 1 });

function model(conn: Connection): Model<ScanDoc> {
  return (conn.models.Scan as Model<ScanDoc> | undefined) ?? conn.model<ScanDoc>('Scan', scanSchema);
}

/** Scans of one day (China date), incremented with each append: the statistics read a document a day. */
interface ScanDayDoc {
  _id: string;
  scans: number;
}

const scanDaySchema = new Schema<ScanDayDoc>(
  { _id: { type: String, required: true }, scans: { type: Number, required: true } },
  { collection: 'scan_days', versionKey: false, strict: 'throw', id: false },
);

function dayModel(conn: Connection): Model<ScanDayDoc> {
  return (
    (conn.models.ScanDay as Model<ScanDayDoc> | undefined) ?? conn.model<ScanDayDoc>('ScanDay', scanDaySchema)
  );
}

function toEvent(doc: ScanDoc): ScanEvent {
  const event: ScanEvent = { at: doc.at, verdict: doc.verdict, networkHash: doc.networkHash };
  if (doc.publicId !== undefined && doc.publicId !== null) event.publicId = doc.publicId;
  return event;
}

/** Scans in MongoDB (a mongoose model; plain objects in and out). */
export function createMongoScanRepository(conn: Connection): ScanRepository {
  const Scans = model(conn);
  const Days = dayModel(conn);
  return {
    async append(events) {
      if (events.length === 0) return;
      await Scans.insertMany(
        events.map((e) => {
          const doc: ScanDoc = {
            _id: new Types.ObjectId(),
            at: e.at,
            verdict: e.verdict,
            networkHash: e.networkHash,
          };
          if (e.publicId !== undefined) doc.publicId = e.publicId;
          return doc;
        }),
        { ordered: true },
      );
      // After the scans: a counter may lag a failed batch's rows, never count scans that were not stored.
      await Days.bulkWrite(
        [...scansPerDay(events)].map(([day, n]) => ({
          updateOne: { filter: { _id: day }, update: { $inc: { scans: n } }, upsert: true },
        })),
        { ordered: false },
      );
    },

    async countsByDay(fromDay, toDay): Promise<ScanDayCount[]> {
      const docs = await Days.find({ _id: { $gte: fromDay, $lte: toDay } })
        .sort({ _id: 1 })
        .lean<ScanDayDoc[]>();
      return docs.map((d) => ({ day: d._id, scans: d.scans }));
    },

    async listForCertificate(publicId, since, limit) {
      const docs = await Scans.find({ publicId, at: { $gte: since } })
        .sort({ at: -1, _id: -1 })
        .limit(limit)
        .lean<ScanDoc[]>();
      return docs.map(toEvent);
    },

    async spreadSince(since, minNetworks, limit): Promise<ScanSpread[]> {
      const rows = await Scans.aggregate<{
        _id: string;
        networks: number;
        scans: number;
        firstAt: string;
        lastAt: string;
      }>([
        { $match: { at: { $gte: since }, publicId: { $type: 'string' } } },
        {
          $group: {
            _id: '$publicId',
            hashes: { $addToSet: '$networkHash' },
            scans: { $sum: 1 },
            firstAt: { $min: '$at' },
            lastAt: { $max: '$at' },
          },
        },
        { $project: { networks: { $size: '$hashes' }, scans: 1, firstAt: 1, lastAt: 1 } },
        { $match: { networks: { $gte: minNetworks } } },
        { $sort: { networks: -1, scans: -1, _id: 1 } },
        { $limit: limit },
      ]);
      return rows.map((r) => ({
        publicId: r._id,
        networks: r.networks,
        scans: r.scans,
        firstAt: r.firstAt,
        lastAt: r.lastAt,
      }));
    },
  };
}
