/**
 * Reads QR codes from pixels: the browser's BarcodeDetector where it supports QR codes, else jsQR in a
 * Web Worker (client/public/scan-worker.js, allowed by the CSP's worker-src 'self').
 */

/** A frame sent to the worker; `buffer` is transferred, not copied. */
export interface DecodeRequest {
  id: number;
  width: number;
  height: number;
  buffer: ArrayBuffer;
  /** Try harder (inverted codes): for a photo read once rather than a stream of frames. */
  thorough: boolean;
}

export interface DecodeReply {
  id: number;
  text: string | null;
}

/** The part of the BarcodeDetector API used here (not in TypeScript's DOM library yet). */
interface BarcodeDetectorLike {
  detect(source: CanvasImageSource | ImageBitmap): Promise<{ rawValue: string }[]>;
}
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
}

export interface QrDecoder {
  /** Which engine reads the codes (shown nowhere; tests and diagnostics read it). */
  readonly engine: 'barcode-detector' | 'jsqr';
  /** The text of a QR code in the image, or undefined. `thorough` for single photos. */
  decode(
    source: CanvasImageSource,
    width: number,
    height: number,
    thorough: boolean,
  ): Promise<string | undefined>;
}

const WORKER_URL = '/assets/scan-worker.js';

async function nativeDetector(): Promise<BarcodeDetectorLike | undefined> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (!Detector) return undefined;
  try {
    // Linux Chromium has the class but supports no formats: only use it when it reads QR codes.
    const formats = await Detector.getSupportedFormats();
    return formats.includes('qr_code') ? new Detector({ formats: ['qr_code'] }) : undefined;
  } catch {
    return undefined;
  }
}

/** Largest side of the pixels handed to jsQR: enough for a code that fills a fair part of the view. */
function scaledSize(width: number, height: number, maxSide: number): { w: number; h: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { w: Math.max(1, Math.round(width * scale)), h: Math.max(1, Math.round(height * scale)) };
}

function workerDecoder(onBroken: () => void): QrDecoder {
  const worker = new Worker(WORKER_URL);
  const pending = new Map<number, (text: string | undefined) => void>();
  let nextId = 1;
  let broken = false;
  worker.onmessage = (event: MessageEvent<DecodeReply>) => {
    const resolve = pending.get(event.data.id);
    pending.delete(event.data.id);
    resolve?.(event.data.text ?? undefined);
  };
  worker.onerror = () => {
    // The worker script failed to load (offline before it was ever fetched): answer "no code" now, and
    // let the next getDecoder() start a fresh worker (the network may be back by then).
    broken = true;
    for (const resolve of pending.values()) resolve(undefined);
    pending.clear();
    worker.terminate();
    onBroken();
  };
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  return {
    engine: 'jsqr',
    decode(source, width, height, thorough) {
      if (broken || !context || width === 0 || height === 0) return Promise.resolve(undefined);
      const { w, h } = scaledSize(width, height, thorough ? 1600 : 720);
      canvas.width = w;
      canvas.height = h;
      context.drawImage(source, 0, 0, w, h);
      const { data } = context.getImageData(0, 0, w, h);
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        const request: DecodeRequest = { id, width: w, height: h, buffer: data.buffer, thorough };
        worker.postMessage(request, [data.buffer]);
      });
    },
  };
}

let chosen: Promise<QrDecoder> | undefined;

/** The decoder for this browser, made once. Starting it early fetches the worker while online. */
export function getDecoder(): Promise<QrDecoder> {
  chosen ??= nativeDetector().then((detector) =>
    detector
      ? {
          engine: 'barcode-detector' as const,
          async decode(source: CanvasImageSource) {
            const [code] = await detector.detect(source).catch(() => []);
            return code?.rawValue || undefined;
          },
        }
      : workerDecoder(() => {
          chosen = undefined;
        }),
  );
  return chosen;
}
