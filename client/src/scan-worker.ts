/**
 * The QR decoder worker (jsQR), for browsers without a BarcodeDetector that reads QR codes. It gets
 * greyscale-free RGBA frames as transferred buffers and answers each with the text it found, if any,
 * so that decoding never blocks the page's main thread.
 */
import jsQR from 'jsqr';
import type { DecodeRequest, DecodeReply } from './decoder';

/** The worker's global scope, as far as this file uses it (the WebWorker lib clashes with DOM's). */
interface WorkerScope {
  onmessage: ((event: MessageEvent<DecodeRequest>) => void) | null;
  postMessage(message: DecodeReply): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = (event) => {
  const { id, width, height, buffer, thorough } = event.data;
  let text: string | null = null;
  try {
    const found = jsQR(new Uint8ClampedArray(buffer), width, height, {
      // Camera frames come fast, so try the common dark-on-light case only; a photo is read once,
      // so try inverted codes too.
      inversionAttempts: thorough ? 'attemptBoth' : 'dontInvert',
    });
    text = found?.data || null;
  } catch {
    // A frame jsQR cannot handle is just a frame without a code.
  }
  scope.postMessage({ id, text });
};
