import { AppError } from '../platform/errors';
import type { TipPhoto } from './tip-repository';
import { MAX_PHOTO_BYTES, type PhotoType } from './tip-schema';

/** The first bytes each accepted type starts with (WebP: a RIFF container whose form type is WEBP). */
const MAGIC: Record<PhotoType, (bytes: Buffer) => boolean> = {
  'image/jpeg': (b) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/webp': (b) =>
    b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP',
};

/** The image type the bytes start as (JPEG, PNG or WebP), whatever anyone declared; undefined otherwise. */
export function sniffImageType(bytes: Buffer): PhotoType | undefined {
  return (Object.keys(MAGIC) as PhotoType[]).find((type) => MAGIC[type](bytes));
}

/**
 * A tip's photo, decoded and checked: at most MAX_PHOTO_BYTES, and its bytes are the type it declares
 * (the photo is served back to inspectors with that type: an HTML page or a script posing as an image
 * must never be stored). PHOTO_TOO_LARGE or INVALID_PHOTO otherwise.
 */
export function decodePhoto(input: { contentType: PhotoType; base64: string }): TipPhoto {
  const data = Buffer.from(input.base64, 'base64');
  if (data.length > MAX_PHOTO_BYTES) {
    throw new AppError('PHOTO_TOO_LARGE', `A photo may have at most ${MAX_PHOTO_BYTES} bytes.`);
  }
  if (!MAGIC[input.contentType](data)) {
    throw new AppError('INVALID_PHOTO', `The photo is not a ${input.contentType} image.`, {
      details: { errors: [{ field: 'photo.base64', message: `does not start as ${input.contentType}` }] },
    });
  }
  return { contentType: input.contentType, data };
}
