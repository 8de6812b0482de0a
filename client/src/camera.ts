/** The camera loop: rear camera preferred, frames decoded at a modest rate until a code is read. */
import { getDecoder } from './decoder';

/** About seven frames a second: quick enough to feel instant, light enough for a cheap phone. */
const FRAME_INTERVAL_MS = 150;

export type CameraError = 'denied' | 'missing' | 'unavailable' | 'failed';

export interface CameraScan {
  /** Stops the camera (idempotent); the pending result then never resolves. */
  stop(): void;
}

export interface CameraCallbacks {
  onStarted(): void;
  onCode(text: string): void;
  onError(error: CameraError): void;
}

function cameraError(error: unknown): CameraError {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'missing';
  return 'failed';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the camera into `video` and reads frames until a QR code is found or `stop()` is called. */
export function startCamera(video: HTMLVideoElement, callbacks: CameraCallbacks): CameraScan {
  let stopped = false;
  let stream: MediaStream | undefined;
  const stop = () => {
    stopped = true;
    for (const track of stream?.getTracks() ?? []) track.stop();
    video.srcObject = null;
  };

  const run = async () => {
    if (!navigator.mediaDevices?.getUserMedia) return callbacks.onError('unavailable');
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
      });
    } catch (error) {
      if (!stopped) callbacks.onError(cameraError(error));
      return;
    }
    if (stopped) return stop();
    // iOS Safari plays a camera stream inline only when muted and playsinline (set as properties:
    // attributes set after creation do not update `muted`).
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    try {
      await video.play();
    } catch (error) {
      stop();
      return callbacks.onError(cameraError(error));
    }
    callbacks.onStarted();
    while (!stopped) {
      const started = performance.now();
      if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0) {
        // Asked each frame (a memoised promise): a worker that failed to load is replaced meanwhile.
        const decoder = await getDecoder();
        // One frame at a time: the next is grabbed only once this one is decoded (no queue builds up).
        const text = await decoder.decode(video, video.videoWidth, video.videoHeight, false);
        if (stopped) return;
        if (text) {
          stop();
          return callbacks.onCode(text);
        }
      }
      await sleep(Math.max(0, FRAME_INTERVAL_MS - (performance.now() - started)));
    }
  };
  void run();
  return { stop };
}
