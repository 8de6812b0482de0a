import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import archiver from 'archiver';
import type { Principal } from '../platform/auth';
import type { CertificateRepository } from '../certificates/certificate-repository';
import type { Certificate } from '../certificates/certificate-schema';
import { csvChunks } from '../platform/csv';
import { AppError } from '../platform/errors';
import type { UploadJob } from '../uploads/upload-schema';
import type { UploadService } from '../uploads/upload-service';
import type { QrService } from './qr-service';

export const QR_ZIP_FORMATS = ['png', 'svg'] as const;
export type QrZipFormat = (typeof QR_ZIP_FORMATS)[number];

/** The zip's first entry: which file is which certificate. */
export const MANIFEST_NAME = 'manifest.csv';
export const MANIFEST_COLUMNS = ['file', 'number', 'holderName', 'publicId', 'url'] as const;

/**
 * PNG data is compressed already: stored as is (deflating it again would cost more time than making the
 * zip otherwise does, for nothing). SVG text is deflated: it shrinks several times over.
 */
const STORED: Record<QrZipFormat, boolean> = { png: true, svg: false };

/**
 * Buffer size of each of archiver's stream stages (its default is 1 MiB): how far making the zip may run
 * ahead of a client that reads slowly, a few dozen codes rather than a few thousand.
 */
const BUFFER_BYTES = 64 * 1024;

export interface QrZip {
  /** The download's file name (letters, digits, `-`, `_` and `.`). */
  fileName: string;
  /**
   * Makes the zip into `out` as fast as `out` takes it. Resolves when it is complete; rejects when making
   * it fails (`out` is destroyed then, so the download breaks instead of ending as a zip with codes
   * missing) or when `out` closes first (ERR_STREAM_PREMATURE_CLOSE: the client went away).
   */
  writeTo(out: Writable): Promise<void>;
}

export interface QrZipService {
  /**
   * Every QR code of an upload job in one zip: `manifest.csv` first (file, number, holder, public id and
   * the signed URL each code carries; formula-safe CSV), then one image per certificate the job stored
   * (created, updated or unchanged; never a rejected row), in file order, named after its number. A job
   * that stored nothing gives a zip holding only the manifest's header.
   *
   * Who may: as `uploads.get` (another body's job is UPLOAD_JOB_NOT_FOUND, like an unknown one); the
   * route lets only the job's body and admins ask. A job still running: UPLOAD_JOB_RUNNING. Those are
   * thrown here, before a byte is made. The zip is made as it is read (`writeTo`; images come from the
   * QR service and its cache; memory does not grow with the job, apart from the zip's central directory).
   * Manifest and images are read in two passes: a certificate changed in between shows its new data in
   * one and its old in the other.
   */
  open(principal: Principal, jobId: string, format: QrZipFormat): Promise<QrZip>;
}

/** A certificate number as a file name stem: characters other than letters, digits, `.`, `-`, `_` become `_`. */
export function fileStem(number: string): string {
  return number.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Names Windows refuses for a file, whatever its extension. */
const RESERVED_NAME = /^(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])$/i;

/**
 * Names a zip's images after their certificate numbers, safe on every file system and unique within the
 * zip (`A/1` and `A_1` become `A_1.png` and `A_1_2.png`). The same numbers in the same order get the same
 * names, so the manifest and the images agree.
 */
export function entryNamer(extension: string): (number: string) => string {
  // Only a name holding `_` can collide: a number with neither `_` nor a replaced character is its own
  // name, and numbers are unique within a job (one body's). So only those names are remembered.
  const taken = new Set<string>();
  return (number) => {
    let stem = fileStem(number);
    if (RESERVED_NAME.test(stem)) stem = `_${stem}`;
    let name = `${stem}.${extension}`;
    if (!name.includes('_')) return name;
    for (let n = 2; taken.has(name); n += 1) name = `${stem}_${n}.${extension}`;
    taken.add(name);
    return name;
  };
}

/** Resolves on the archive's next `event`; rejects when it fails or is closed first (the client left). */
function next(zip: archiver.Archiver, event: 'entry' | 'drain'): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (err?: Error) => {
      zip.off(event, onEvent).off('error', settle).off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onEvent = () => settle();
    const onClose = () => settle(new Error('the zip was closed before it was complete'));
    zip.on(event, onEvent).on('error', settle).on('close', onClose);
  });
}

/**
 * Appends one entry, waits until the archive has taken it, then while the archive's buffer is full (the
 * client reads slower than codes are made). A deflated entry is only taken as fast as it is read, but
 * archiver writes a stored one at once: without the wait, a slow client would leave the whole job's
 * codes in memory.
 */
async function append(zip: archiver.Archiver, source: Buffer | Readable, name: string, store: boolean) {
  const taken = next(zip, 'entry');
  zip.append(source, { name, store });
  await taken;
  while (zip.writableLength >= zip.writableHighWaterMark) await next(zip, 'drain');
}

export function createQrZipService(deps: {
  uploads: Pick<UploadService, 'certificateList'>;
  qr: Pick<QrService, 'image' | 'signedUrl'>;
  registry: Pick<CertificateRepository, 'findByPublicId'>;
}): QrZipService {
  const { uploads, qr, registry } = deps;

  async function certificateOf(publicId: string): Promise<Certificate> {
    const cert = await registry.findByPublicId(publicId);
    // Certificates are never deleted: a job's certificate missing from the registry is a broken store.
    if (!cert) throw new Error(`certificate ${publicId} of an upload job is not in the registry`);
    return cert;
  }

  async function* manifestRows(publicIds: AsyncIterable<string>, extension: string) {
    const nameOf = entryNamer(extension);
    for await (const publicId of publicIds) {
      const cert = await certificateOf(publicId);
      yield [nameOf(cert.number), cert.number, cert.holder.name, cert.publicId, qr.signedUrl(cert).url];
    }
  }

  /** Fills `zip` with the manifest, then the images; finalizes it. */
  async function produce(
    zip: archiver.Archiver,
    job: UploadJob,
    publicIds: () => AsyncIterable<string>,
    format: QrZipFormat,
  ) {
    const manifest = csvChunks(MANIFEST_COLUMNS, manifestRows(publicIds(), format));
    await append(zip, Readable.from(manifest, { objectMode: false }), MANIFEST_NAME, false);
    const nameOf = entryNamer(format);
    for await (const publicId of publicIds()) {
      const image = await qr.image(publicId, format, { onlyForBody: job.bodyCode, keep: false });
      await append(zip, image.body, nameOf(image.number), STORED[format]);
    }
    await zip.finalize();
  }

  return {
    async open(principal, jobId, format) {
      const { job, publicIds } = await uploads.certificateList(principal, jobId);
      if (job.state === 'running') {
        throw new AppError(
          'UPLOAD_JOB_RUNNING',
          'This upload is still running: its QR codes can be downloaded once it has finished (GET /api/v1/uploads/{jobId} shows its state).',
        );
      }
      return {
        fileName: `upload-${job.id}-qr-${format}.zip`,
        async writeTo(out) {
          // zlib's default level for what is deflated (archiver's own default is the fastest, level 1).
          const zip = archiver('zip', { zlib: { level: 6 }, highWaterMark: BUFFER_BYTES });
          // Piped before the first entry, so that every failure reaches `out` (and the caller).
          const written = pipeline(zip, out);
          produce(zip, job, publicIds, format).catch((err: unknown) => {
            zip.destroy(err instanceof Error ? err : new Error(String(err)));
          });
          await written;
        },
      };
    },
  };
}
