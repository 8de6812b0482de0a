import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { AuditorRepository } from './auditor-repository';
import { auditorSchema, sameRegistration, type Auditor } from './auditor-schema';

/** A registration as stored in MongoDB. */
export interface AuditorDoc extends Auditor {
  _id: Types.ObjectId;
}

// `strict: 'throw'`: a field added to Auditor but not here fails on the first write instead of being dropped.
const mongoAuditorSchema = new Schema<AuditorDoc>(
  {
    registrationNumber: { type: String, required: true },
    name: { type: String, required: true },
    schemes: { type: [String], required: true },
    level: { type: String },
    validFrom: { type: String, required: true },
    validTo: { type: String, required: true },
    importedAt: { type: String, required: true },
    importId: { type: String, required: true },
  },
  { collection: 'auditors', versionKey: false, strict: 'throw', id: false },
);
mongoAuditorSchema.index({ registrationNumber: 1 }, { unique: true });

export function auditorModel(conn: Connection): Model<AuditorDoc> {
  const existing = conn.models.Auditor as Model<AuditorDoc> | undefined;
  return existing ?? conn.model<AuditorDoc>('Auditor', mongoAuditorSchema);
}

function toAuditor(doc: AuditorDoc): Auditor {
  const { _id, ...auditor } = doc;
  return auditorSchema.parse(auditor);
}

const PAGE = 500;

/** The auditor register in MongoDB (one document per registration number). */
export function createMongoAuditorRepository(conn: Connection): AuditorRepository {
  const Auditors = auditorModel(conn);

  async function find(numbers: readonly string[]): Promise<Auditor[]> {
    const out: Auditor[] = [];
    for (let i = 0; i < numbers.length; i += PAGE) {
      const docs = await Auditors.find({ registrationNumber: { $in: numbers.slice(i, i + PAGE) } }).lean<
        AuditorDoc[]
      >();
      out.push(...docs.map(toAuditor));
    }
    return out;
  }

  return {
    async upsertMany(entries) {
      const counts = { created: 0, updated: 0, unchanged: 0 };
      for (let i = 0; i < entries.length; i += PAGE) {
        const page = entries.slice(i, i + PAGE);
        const stored = new Map(
          (await find(page.map((e) => e.registrationNumber))).map((a) => [a.registrationNumber, a]),
        );
        const changed = page.filter((entry) => {
          const before = stored.get(entry.registrationNumber);
          if (before && sameRegistration(before, entry)) {
            counts.unchanged += 1;
            return false;
          }
          if (before) counts.updated += 1;
          else counts.created += 1;
          return true;
        });
        if (changed.length === 0) continue;
        await Auditors.bulkWrite(
          changed.map((entry) => {
            const { level, ...rest } = auditorSchema.parse(entry);
            return {
              updateOne: {
                filter: { registrationNumber: entry.registrationNumber },
                update:
                  level === undefined ? { $set: rest, $unset: { level: 1 } } : { $set: { ...rest, level } },
                upsert: true,
              },
            };
          }),
          { ordered: false },
        );
      }
      return counts;
    },
    findByRegistrationNumbers: find,
    async count() {
      return Auditors.estimatedDocumentCount();
    },
  };
}
