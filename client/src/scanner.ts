/**
 * The in-page scanner that replaces the placeholder of the home page's `[data-slot="qr-scanner"]`:
 * camera, photo file, and the result card. The lookup and search forms below it stay as they are.
 */
import type { Lang } from '../../server/platform/i18n';
import { startCamera, type CameraError, type CameraScan } from './camera';
import { getDecoder } from './decoder';
import { el, replaceChildren } from './dom';
import { readPhoto } from './photo';
import { renderResultCard } from './result-card';
import { evaluateScan } from './scan-check';
import { warmKeys } from './signature';
import { CLIENT_TEXTS } from './texts';

export function mountScanner(slot: HTMLElement, lang: Lang): void {
  const t = CLIENT_TEXTS[lang];
  const startButton = el('button', { type: 'button', id: 'camera-start', class: 'button' }, t.cameraStart);
  const stopButton = el(
    'button',
    { type: 'button', id: 'camera-stop', class: 'button button-secondary', hidden: true },
    t.cameraStop,
  );
  const fileInput = el('input', {
    id: 'qr-file',
    type: 'file',
    accept: 'image/*',
    capture: 'environment',
    'aria-describedby': 'qr-file-hint',
  });
  const video = el('video', {
    id: 'scanner-video',
    playsinline: true,
    muted: true,
    'aria-label': t.cameraLabel,
  });
  const viewfinder = el('div', { class: 'viewfinder', hidden: true }, video);
  const status = el('p', { id: 'scanner-status', class: 'scanner-status', role: 'status' });
  const result = el('div', { id: 'scan-result', class: 'scan-result', 'aria-live': 'polite' });

  const controls = el(
    'div',
    { class: 'scanner-controls' },
    el('div', { class: 'scanner-buttons' }, startButton, stopButton),
    viewfinder,
    el(
      'div',
      { class: 'scanner-photo' },
      el('label', { for: 'qr-file' }, t.photoLabel),
      fileInput,
      el('p', { id: 'qr-file-hint', class: 'hint' }, t.photoHint),
    ),
  );

  // Keep the heading and the hint for camera apps; put the controls after them.
  slot.classList.add('scanner-ready');
  const placeholder = slot.querySelector('p');
  placeholder?.classList.add('hint');
  slot.append(controls, status, result);

  let camera: CameraScan | undefined;
  let generation = 0;

  const setStatus = (text: string) => {
    status.textContent = text;
  };

  const stopCamera = () => {
    camera?.stop();
    camera = undefined;
    viewfinder.hidden = true;
    stopButton.hidden = true;
    startButton.hidden = false;
  };

  const show = async (text: string) => {
    const mine = ++generation;
    setStatus(t.checking);
    slot.setAttribute('aria-busy', 'true');
    const outcome = await evaluateScan(text);
    if (mine !== generation) return;
    slot.removeAttribute('aria-busy');
    setStatus('');
    replaceChildren(result, renderResultCard(lang, outcome));
    result.scrollIntoView({ block: 'start' });
  };

  const cameraMessages: Record<CameraError, string> = {
    denied: t.cameraDenied,
    missing: t.cameraMissing,
    unavailable: t.cameraUnavailable,
    failed: t.cameraFailed,
  };

  startButton.addEventListener('click', () => {
    stopCamera();
    replaceChildren(result);
    setStatus(t.cameraStarting);
    viewfinder.hidden = false;
    startButton.hidden = true;
    stopButton.hidden = false;
    // Focus follows the swap, so a keyboard user can stop the camera with the same key press.
    stopButton.focus();
    camera = startCamera(video, {
      onStarted: () => setStatus(t.cameraAim),
      onCode: (text) => {
        stopCamera();
        startButton.focus();
        void show(text);
      },
      onError: (error) => {
        stopCamera();
        setStatus(cameraMessages[error]);
      },
    });
  });

  stopButton.addEventListener('click', () => {
    stopCamera();
    setStatus('');
    startButton.focus();
  });

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    stopCamera();
    replaceChildren(result);
    setStatus(t.photoReading);
    const found = await readPhoto(file);
    // The same photo chosen again must fire `change` again.
    fileInput.value = '';
    if (found.kind === 'code') return show(found.text);
    setStatus(found.kind === 'none' ? t.photoNoCode : t.photoUnreadable);
  });

  // A camera left running in a background tab wastes battery and keeps the camera light on.
  document.addEventListener('visibilitychange', () => {
    if (document.hidden && camera) stopCamera();
  });

  // Fetch the keys and the decoder now, while online, so that a scan made offline later still works.
  warmKeys();
  void getDecoder();
}
