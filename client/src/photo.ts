/** Reads a QR code from a photo file (the file input's `capture=environment` opens the camera on phones). */
import { getDecoder } from './decoder';

export type PhotoResult = { kind: 'code'; text: string } | { kind: 'none' } | { kind: 'unreadable' };

/** Decodes the image (EXIF orientation applied by the browser); blob: images are allowed by the CSP. */
async function loadImage(file: Blob): Promise<{ source: CanvasImageSource; width: number; height: number }> {
  if (typeof createImageBitmap === 'function') {
    const bitmap = await createImageBitmap(file);
    return { source: bitmap, width: bitmap.width, height: bitmap.height };
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return { source: img, width: img.naturalWidth, height: img.naturalHeight };
  } finally {
    URL.revokeObjectURL(url);
  }
}

export async function readPhoto(file: Blob): Promise<PhotoResult> {
  let image: Awaited<ReturnType<typeof loadImage>>;
  try {
    image = await loadImage(file);
  } catch {
    return { kind: 'unreadable' };
  }
  const decoder = await getDecoder();
  const text = await decoder.decode(image.source, image.width, image.height, true);
  if ('close' in image.source && typeof image.source.close === 'function') image.source.close();
  return text ? { kind: 'code', text } : { kind: 'none' };
}
