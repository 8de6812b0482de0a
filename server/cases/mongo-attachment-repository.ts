import type mongoose from 'mongoose';
import { Schema, type Connection, type Model } from 'mongoose';
import type { AttachmentRepository } from './attachment-repository';
import { ATTACHMENT_TYPES, attachmentSchema, type Attachment } from './attachment-schema';

/** What is known of an attachment, keyed by its id, with the number of chunks its bytes were cut into. */
interface AttachmentDoc extends Omit<Attachment, 'id'> {
  _id: string;
  chunks: number;
}

/** One chunk of an attachment's bytes (`<id>:<n>`). The driver reads binary data back as a BSON Binary. */
interface ChunkDoc {
  _id: string;
  attachmentId: string;
  n: number;
  data: Buffer | mongoose.mongo.Binary;
}

/** GridFS's default chunk size: documents well under the 16 MB BSON limit, whatever the file's size. */
export const CHUNK_BYTES = 255 * 1024;

const attachmentMongoSchema = new Schema<AttachmentDoc>(
  {
    _id: { type: String, required: true },
    caseId: { type: String, required: true },
    name: { type: String, required: true },
    contentType: { type: String, enum: ATTACHMENT_TYPES, required: true },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
    uploadedAt: { type: String, required: true },
    uploadedBy: { type: String, required: true },
    chunks: { type: Number, required: true },
  },
  { collection: 'case_attachments', versionKey: false, strict: 'throw', id: false },
);
attachmentMongoSchema.index({ caseId: 1, uploadedAt: 1, _id: 1 });

const chunkMongoSchema = new Schema<ChunkDoc>(
  {
    _id: { type: String, required: true },
    attachmentId: { type: String, required: true },
    n: { type: Number, required: true },
    data: { type: Buffer, required: true },
  },
  { collection: 'case_attachment_chunks', versionKey: false, strict: 'throw', id: false },
);
chunkMongoSchema.index({ attachmentId: 1, n: 1 }, { unique: true });

function models(conn: Connection): { Attachments: Model<AttachmentDoc>; Chunks: Model<ChunkDoc> } {
  const Attachments =
    (conn.models.CaseAttachment as Model<AttachmentDoc> | undefined) ??
    conn.model<AttachmentDoc>('CaseAttachment', attachmentMongoSchema);
  const Chunks =
    (conn.models.CaseAttachmentChunk as Model<ChunkDoc> | undefined) ??
    conn.model<ChunkDoc>('CaseAttachmentChunk', chunkMongoSchema);
  return { Attachments, Chunks };
}

/** The one place a stored document becomes a plain attachment (checked, as the SQLite adapter does). */
function toAttachment(doc: AttachmentDoc): Attachment {
  const { _id, chunks: _chunks, ...rest } = doc;
  return attachmentSchema.parse({ id: _id, ...rest });
}

const bytesOf = (data: Buffer | mongoose.mongo.Binary): Buffer =>
  Buffer.isBuffer(data) ? data : Buffer.from(data.value());

/**
 * Attachments in MongoDB as chunked documents (the GridFS layout, through the models every other adapter
 * uses): the chunks are written first, then the document that lists the attachment. Should a write stop
 * between them, what is left is chunks no listing shows, never a listed attachment without its bytes. A
 * taken id fails on its first chunk, before anything of the new attachment is stored.
 */
export function createMongoAttachmentRepository(conn: Connection): AttachmentRepository {
  const { Attachments, Chunks } = models(conn);

  return {
    async create(attachment, data) {
      const { id, ...rest } = attachment;
      const count = Math.max(1, Math.ceil(data.length / CHUNK_BYTES));
      const chunks = Array.from({ length: count }, (_, n) => ({
        _id: `${id}:${n}`,
        attachmentId: id,
        n,
        data: data.subarray(n * CHUNK_BYTES, (n + 1) * CHUNK_BYTES),
      }));
      await Chunks.insertMany(chunks, { ordered: true });
      await Attachments.create({ _id: id, ...rest, chunks: count });
      return attachment;
    },

    async listByCase(caseId) {
      const docs = await Attachments.find({ caseId }).sort({ uploadedAt: 1, _id: 1 }).lean<AttachmentDoc[]>();
      return docs.map(toAttachment);
    },

    async find(caseId, id) {
      const doc = await Attachments.findOne({ _id: id, caseId }).lean<AttachmentDoc>();
      if (!doc) return undefined;
      const chunks = await Chunks.find({ attachmentId: id, n: { $lt: doc.chunks } })
        .sort({ n: 1 })
        .lean<ChunkDoc[]>();
      const data = Buffer.concat(chunks.map((c) => bytesOf(c.data)));
      if (chunks.length !== doc.chunks || data.length !== doc.size) {
        throw new Error(`attachment ${id}: ${chunks.length} of ${doc.chunks} chunks stored`);
      }
      return { attachment: toAttachment(doc), data };
    },
  };
}
