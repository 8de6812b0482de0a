import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import type { WitnessRepository } from './witness-repository';
import type { Cosignature, Witness } from './witness-schema';

const witnessSchema = new Schema<Witness>(
  {
    name: { type: String, required: true },
    vkey: { type: String, required: true },
    label: { type: String, required: true },
    registeredAt: { type: String, required: true },
  },
  { collection: 'audit_witnesses', versionKey: false, strict: 'throw', id: false },
);
witnessSchema.index({ name: 1 }, { unique: true });

const cosignatureSchema = new Schema<Cosignature>(
  {
    witness: { type: String, required: true },
    size: { type: Number, required: true },
    rootHash: { type: String, required: true },
    timestamp: { type: Number, required: true },
    signature: { type: String, required: true },
    receivedAt: { type: String, required: true },
  },
  { collection: 'audit_cosignatures', versionKey: false, strict: 'throw', id: false },
);
cosignatureSchema.index({ witness: 1 }, { unique: true });
cosignatureSchema.index({ size: 1, rootHash: 1 });

function model<T>(conn: Connection, name: string, schema: Schema<T>): Model<T> {
  return (conn.models[name] as Model<T> | undefined) ?? conn.model<T>(name, schema);
}

const isDuplicateKeyError = (err: unknown) =>
  err instanceof mongoose.mongo.MongoServerError && err.code === 11000;

function toWitness(doc: Witness): Witness {
  return { name: doc.name, vkey: doc.vkey, label: doc.label, registeredAt: doc.registeredAt };
}

function toCosignature(doc: Cosignature): Cosignature {
  const { witness, size, rootHash, timestamp, signature, receivedAt } = doc;
  return { witness, size, rootHash, timestamp, signature, receivedAt };
}

/** Witnesses and their cosignatures in MongoDB (lean reads; plain objects in and out). */
export function createMongoWitnessRepository(conn: Connection): WitnessRepository {
  const Witnesses = model(conn, 'AuditWitness', witnessSchema);
  const Cosignatures = model(conn, 'AuditCosignature', cosignatureSchema);
  return {
    async add(witness) {
      try {
        await Witnesses.create(toWitness(witness));
        return true;
      } catch (err) {
        if (isDuplicateKeyError(err)) return false;
        throw err;
      }
    },
    async get(name) {
      const doc = await Witnesses.findOne({ name }).lean<Witness>();
      return doc ? toWitness(doc) : undefined;
    },
    async list() {
      return (await Witnesses.find().sort({ name: 1 }).lean<Witness[]>()).map(toWitness);
    },
    async remove(name) {
      await Cosignatures.deleteOne({ witness: name });
      return (await Witnesses.deleteOne({ name })).deletedCount > 0;
    },
    async saveCosignature(c) {
      if (!(await Witnesses.exists({ name: c.witness }))) return false;
      const doc = toCosignature(c);
      const newer = {
        witness: c.witness,
        $or: [{ size: { $lt: c.size } }, { size: c.size, timestamp: { $lt: c.timestamp } }],
      };
      if ((await Cosignatures.updateOne(newer, { $set: doc })).matchedCount > 0) return true;
      try {
        await Cosignatures.create(doc);
        return true;
      } catch (err) {
        // One is kept already, and it is not older than this one.
        if (isDuplicateKeyError(err)) return false;
        throw err;
      }
    },
    async cosignaturesOf(size, rootHash) {
      const docs = await Cosignatures.find({ size, rootHash }).sort({ witness: 1 }).lean<Cosignature[]>();
      return docs.map(toCosignature);
    },
    async latestCosignatures() {
      return (await Cosignatures.find().sort({ witness: 1 }).lean<Cosignature[]>()).map(toCosignature);
    },
  };
}
