import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { SCAN_VERDICTS } from '../qr/qr-schema';
import { STATUSES } from '../certificates/certificate-schema';
import type { TipRepository } from './tip-repository';
import { PHOTO_TYPES, TIP_CATEGORIES, TIP_STATES, photoTypeSchema, tipSchema, type Tip } from './tip-schema';

/** A tip as stored: its id is the document key. */
interface TipDoc extends Omit<Tip, 'id'> {
  _id: string;
}

/** A photo as stored, keyed by its tip's id. The driver reads binary data back as a BSON Binary. */
interface PhotoDoc {
  _id: string;
  contentType: string;
  data: Buffer | mongoose.mongo.Binary;
}

// `strict: 'throw'` and `_id: false` as in the other adapters: a field added to the tip but not here
// fails loudly on the first write, and sub-documents carry no ids of their own.
const sub = { _id: false, id: false, strict: 'throw' } as const;

const tipMongoSchema = new Schema<TipDoc>(
  {
    _id: { type: String, required: true },
    reference: { type: String, required: true },
    category: { type: String, enum: TIP_CATEGORIES, required: true },
    publicId: String,
    certificateNumber: String,
    bodyCode: String,
    scan: new Schema(
      {
        verdict: { type: String, enum: SCAN_VERDICTS, required: true },
        text: { type: String, required: true },
      },
      sub,
    ),
    certificate: new Schema(
      {
        publicId: { type: String, required: true },
        number: { type: String, required: true },
        bodyCode: String,
        holderName: { type: String, required: true },
        holderCreditCode: { type: String, required: true },
        status: { type: String, enum: STATUSES, required: true },
      },
      sub,
    ),
    description: { type: String, required: true },
    place: String,
    contact: String,
    hasPhoto: { type: Boolean, required: true },
    state: { type: String, enum: TIP_STATES, required: true },
    caseId: String,
    // ISO strings, as in the SQLite adapter: they sort as text in time order and round-trip unchanged.
    receivedAt: { type: String, required: true },
    networkHash: { type: String, required: true },
  },
  { collection: 'tips', versionKey: false, strict: 'throw', id: false },
);
tipMongoSchema.index({ reference: 1 }, { unique: true });
tipMongoSchema.index({ receivedAt: -1, _id: -1 });
tipMongoSchema.index({ state: 1, receivedAt: -1, _id: -1 });

const photoMongoSchema = new Schema<PhotoDoc>(
  {
    _id: { type: String, required: true },
    contentType: { type: String, enum: PHOTO_TYPES, required: true },
    data: { type: Buffer, required: true },
  },
  { collection: 'tip_photos', versionKey: false, strict: 'throw', id: false },
);

export function tipModels(conn: Connection): { Tips: Model<TipDoc>; Photos: Model<PhotoDoc> } {
  const Tips = (conn.models.Tip as Model<TipDoc> | undefined) ?? conn.model<TipDoc>('Tip', tipMongoSchema);
  const Photos =
    (conn.models.TipPhoto as Model<PhotoDoc> | undefined) ??
    conn.model<PhotoDoc>('TipPhoto', photoMongoSchema);
  return { Tips, Photos };
}

/** The one place a stored document becomes a plain tip (checked, as the SQLite adapter does). */
function toTip(doc: TipDoc): Tip {
  const { _id, ...rest } = doc;
  return tipSchema.parse({ id: _id, ...rest });
}

/** A JSON round trip drops undefined members, which the driver would otherwise store as null. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const NEWEST_FIRST = { receivedAt: -1, _id: -1 } as const;

/**
 * Tips in MongoDB (`tips`), photos apart (`tip_photos`, keyed by the tip's id). The photo is written
 * first: should the tip's write then fail, what is left is a photo no tip points to, never a tip that
 * says it has a photo it has not.
 */
export function createMongoTipRepository(conn: Connection): TipRepository {
  const { Tips, Photos } = tipModels(conn);

  return {
    async create(tip, photo) {
      const { id, ...rest } = plain(tip);
      if (photo) await Photos.create({ _id: id, contentType: photo.contentType, data: photo.data });
      try {
        await Tips.create({ _id: id, ...rest });
      } catch (err) {
        // Refused (a taken id or reference): the photo just written belongs to no tip.
        if (photo) await Photos.deleteOne({ _id: id }).catch(() => undefined);
        throw err;
      }
      return tipSchema.parse(plain(tip));
    },

    async findById(id) {
      const doc = await Tips.findById(id).lean<TipDoc>();
      return doc ? toTip(doc) : undefined;
    },

    async findByReference(reference) {
      const doc = await Tips.findOne({ reference }).lean<TipDoc>();
      return doc ? toTip(doc) : undefined;
    },

    async list({ state }, { offset, limit }) {
      const filter = state === undefined ? {} : { state };
      const [docs, total] = await Promise.all([
        Tips.find(filter).sort(NEWEST_FIRST).skip(offset).limit(limit).lean<TipDoc[]>(),
        Tips.countDocuments(filter),
      ]);
      return { items: docs.map(toTip), total };
    },

    async findPhoto(id) {
      const doc = await Photos.findById(id).lean<PhotoDoc>();
      if (!doc) return undefined;
      const data = Buffer.isBuffer(doc.data) ? doc.data : Buffer.from(doc.data.value());
      return { contentType: photoTypeSchema.parse(doc.contentType), data };
    },

    async setState(ids, state, { caseId, onlyFrom } = {}) {
      const update =
        state === 'in-case' && caseId !== undefined
          ? { $set: { state, caseId } }
          : { $set: { state }, $unset: { caseId: 1 } };
      const moved: Tip[] = [];
      for (const id of new Set(ids)) {
        // One compare-and-set per tip: the state it must be in is part of the filter of its write.
        const filter = onlyFrom === undefined ? { _id: id } : { _id: id, state: onlyFrom };
        const doc = await Tips.findOneAndUpdate(filter, update, { returnDocument: 'after' }).lean<TipDoc>();
        if (doc) moved.push(toTip(doc));
      }
      return moved;
    },
  };
}
