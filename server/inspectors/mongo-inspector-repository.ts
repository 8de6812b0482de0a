import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { InspectorRepository } from './inspector-repository';
import { CONFLICT_KINDS, inspectorSchema, type Inspector } from './inspector-schema';

/** An inspector as stored in MongoDB. */
export interface InspectorDoc extends Inspector {
  _id: Types.ObjectId;
}

const subOptions = { _id: false, versionKey: false, strict: 'throw' } as const;

const conflictSchema = new Schema(
  {
    kind: { type: String, enum: CONFLICT_KINDS, required: true },
    code: { type: String, required: true },
    reason: { type: String, required: true },
    declaredAt: { type: String, required: true },
  },
  subOptions,
);

// `strict: 'throw'`: a field added to Inspector but not here fails on the first write instead of being dropped.
const mongoInspectorSchema = new Schema<InspectorDoc>(
  {
    id: { type: String, required: true },
    name: { type: String, required: true },
    unit: { type: String, required: true },
    active: { type: Boolean, required: true },
    conflicts: { type: [conflictSchema], default: [] },
    // ISO strings, as in the SQLite adapter: they round-trip unchanged.
    createdAt: { type: String, required: true },
    updatedAt: { type: String, required: true },
  },
  { collection: 'inspectors', versionKey: false, strict: 'throw', id: false },
);
mongoInspectorSchema.index({ id: 1 }, { unique: true });
mongoInspectorSchema.index({ active: 1, id: 1 });

/** The Inspector model on this connection (compiled once per connection). */
export function inspectorModel(conn: Connection): Model<InspectorDoc> {
  const existing = conn.models.Inspector as Model<InspectorDoc> | undefined;
  return existing ?? conn.model<InspectorDoc>('Inspector', mongoInspectorSchema);
}

/** The one place a stored document becomes a plain Inspector (checked as the SQLite adapter does). */
function toInspector(doc: InspectorDoc): Inspector {
  const { _id, ...inspector } = doc;
  return inspectorSchema.parse(inspector);
}

/** The inspector directory in MongoDB (mongoose model; plain objects in and out). */
export function createMongoInspectorRepository(conn: Connection): InspectorRepository {
  const Inspectors = inspectorModel(conn);
  return {
    async create(inspector) {
      await Inspectors.create(inspector);
      return inspector;
    },

    async findById(id) {
      const doc = await Inspectors.findOne({ id }).lean<InspectorDoc>();
      return doc ? toInspector(doc) : undefined;
    },

    async list(filter) {
      const query = filter.active === undefined ? {} : { active: filter.active };
      // Ids are ASCII, and without a collation MongoDB compares strings bytewise: code-unit order.
      const docs = await Inspectors.find(query).sort({ id: 1 }).lean<InspectorDoc[]>();
      return docs.map(toInspector);
    },

    async replace(inspector) {
      const { matchedCount } = await Inspectors.replaceOne({ id: inspector.id }, inspector);
      return matchedCount > 0 ? inspector : undefined;
    },
  };
}
