import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { ROLES } from '../platform/auth';
import { storedTokenSchema, type ApiToken } from './token-schema';
import type { TokenRepository } from './token-repository';

/** An API token as stored in MongoDB (the hash of its secret, never the secret). */
export interface TokenDoc extends ApiToken {
  _id: Types.ObjectId;
}

// `strict: 'throw'`: a field added to ApiToken but not here fails on the first write instead of being dropped.
const mongoTokenSchema = new Schema<TokenDoc>(
  {
    id: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    bodyCode: String,
    // The inspector an inspector token belongs to (directory id); absent on tokens issued before it.
    inspectorId: String,
    label: { type: String, required: true },
    secretHash: { type: String, required: true },
    // ISO strings, as in the SQLite adapter: they sort as text in time order and round-trip unchanged.
    createdAt: { type: String, required: true },
    expiresAt: String,
    revokedAt: String,
    createdBy: { type: String, required: true },
  },
  { collection: 'tokens', versionKey: false, strict: 'throw', id: false },
);
mongoTokenSchema.index({ id: 1 }, { unique: true });
mongoTokenSchema.index({ bodyCode: 1, createdAt: -1 });

/** The Token model on this connection (compiled once per connection). */
export function tokenModel(conn: Connection): Model<TokenDoc> {
  const existing = conn.models.Token as Model<TokenDoc> | undefined;
  return existing ?? conn.model<TokenDoc>('Token', mongoTokenSchema);
}

/** The one place a stored document becomes a plain ApiToken (checked as the SQLite adapter does). */
function toToken(doc: TokenDoc): ApiToken {
  const { _id, ...token } = doc;
  return storedTokenSchema.parse(token);
}

/** API tokens in MongoDB (mongoose model; plain objects in and out). */
export function createMongoTokenRepository(conn: Connection): TokenRepository {
  const Tokens = tokenModel(conn);
  // Newest first; _id (an ObjectId, increasing per process) breaks ties within one millisecond.
  const newestFirst = { createdAt: -1, _id: -1 } as const;

  return {
    async create(token) {
      // A JSON round trip drops undefined members, which the driver would otherwise store as null.
      await Tokens.create(JSON.parse(JSON.stringify(token)) as ApiToken);
      return token;
    },

    async findById(id) {
      const doc = await Tokens.findOne({ id }).lean<TokenDoc>();
      return doc ? toToken(doc) : undefined;
    },

    async list(filter) {
      const query = filter.bodyCode === undefined ? {} : { bodyCode: filter.bodyCode };
      const docs = await Tokens.find(query).sort(newestFirst).lean<TokenDoc[]>();
      return docs.map(toToken);
    },

    async revoke(id, at) {
      // Only a token not yet revoked is updated, so revoking twice keeps the first time.
      await Tokens.updateOne({ id, revokedAt: { $exists: false } }, { $set: { revokedAt: at } });
      const doc = await Tokens.findOne({ id }).lean<TokenDoc>();
      return doc ? toToken(doc) : undefined;
    },

    async count() {
      return Tokens.countDocuments();
    },
  };
}
