import { createHash, randomBytes } from 'node:crypto';
import type { AttachmentRepository } from '../../server/cases/attachment-repository';
import type { Attachment } from '../../server/cases/attachment-schema';

export interface AttachmentRepositoryHarness {
  name: string;
  /** A repository on a store of its own; `close` releases it and removes what the run stored. */
  open(): Promise<{ repo: AttachmentRepository; close(): Promise<void> }>;
  /** Backend differences the suite allows for: none so far, every adapter behaves the same. */
  options: Record<string, never>;
}

const newId = () => randomBytes(16).toString('base64url');

/** An attachment of `data` (a PDF's first bytes and random ones by default) to a case of its own. */
export function makeAttachment(
  data: Buffer = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(100)]),
  overrides: Partial<Attachment> = {},
): { attachment: Attachment; data: Buffer } {
  return {
    attachment: {
      id: newId(),
      caseId: newId(),
      name: '现场照片（北门）.pdf',
      contentType: 'application/pdf',
      size: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
      uploadedAt: '2026-03-02T02:00:00.000Z',
      uploadedBy: 'tok_inspector_1',
      ...overrides,
    },
    data,
  };
}

/** The contract every attachment adapter passes. */
export function attachmentRepositoryContract(harness: AttachmentRepositoryHarness): void {
  describe(`attachment repository contract (${harness.name})`, () => {
    let repo: AttachmentRepository;
    let close: () => Promise<void>;

    beforeAll(async () => {
      ({ repo, close } = await harness.open());
    }, 60_000);
    afterAll(async () => {
      await close();
    }, 60_000);

    test('when an attachment is stored, then it is listed with its case and read back byte for byte', async () => {
      const { attachment, data } = makeAttachment();
      await expect(repo.create(attachment, data)).resolves.toEqual(attachment);
      await expect(repo.listByCase(attachment.caseId)).resolves.toEqual([attachment]);
      const found = await repo.find(attachment.caseId, attachment.id);
      expect(found?.attachment).toEqual(attachment);
      expect(found?.data.equals(data)).toBe(true);
    });

    test('when an attachment is larger than a chunk of any backend, then it still reads back whole', async () => {
      // Three chunks of MongoDB's 255 KiB, the last one short.
      const data = randomBytes(2 * 255 * 1024 + 17);
      const { attachment } = makeAttachment(data, { contentType: 'image/jpeg', name: 'big.jpg' });
      await repo.create(attachment, data);
      const found = await repo.find(attachment.caseId, attachment.id);
      expect(found?.data.length).toBe(data.length);
      expect(found?.data.equals(data)).toBe(true);
    }, 60_000);

    test('when a case has several attachments, then they are listed oldest first, then by id, and only its own', async () => {
      const caseId = newId();
      const later = makeAttachment(undefined, { caseId, uploadedAt: '2026-03-02T03:00:00.000Z' });
      const earlier = makeAttachment(undefined, { caseId, uploadedAt: '2026-03-02T01:00:00.000Z' });
      const other = makeAttachment();
      for (const a of [later, earlier, other]) await repo.create(a.attachment, a.data);
      const listed = await repo.listByCase(caseId);
      expect(listed.map((a) => a.id)).toEqual([earlier.attachment.id, later.attachment.id]);
      await expect(repo.listByCase(newId())).resolves.toEqual([]);
    });

    test('when an attachment is asked for under another case or an unknown id, then there is none', async () => {
      const { attachment, data } = makeAttachment();
      await repo.create(attachment, data);
      await expect(repo.find(newId(), attachment.id)).resolves.toBeUndefined();
      await expect(repo.find(attachment.caseId, newId())).resolves.toBeUndefined();
    });

    test('when an attachment id is stored twice, then the second is refused and the first is kept', async () => {
      const first = makeAttachment();
      await repo.create(first.attachment, first.data);
      const second = makeAttachment(Buffer.from('%PDF-other'), {
        id: first.attachment.id,
        caseId: first.attachment.caseId,
        name: 'other.pdf',
      });
      // Refused with whatever the driver throws (a native error of another realm is no jest `Error`).
      const outcome = await repo.create(second.attachment, second.data).then(
        () => 'stored',
        () => 'refused',
      );
      expect(outcome).toBe('refused');
      await expect(repo.listByCase(first.attachment.caseId)).resolves.toEqual([first.attachment]);
      const found = await repo.find(first.attachment.caseId, first.attachment.id);
      expect(found?.data.equals(first.data)).toBe(true);
    });
  });
}
