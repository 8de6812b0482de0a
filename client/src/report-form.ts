/**
 * The report form's enhancements (/report, server/tips/report-page.ts): a phone photo too large for the
 * 1 MiB limit is made to fit in the browser before it is sent (JPEG, re-encoded from a canvas at falling
 * quality and size, EXIF orientation applied), and the confirmation gets a button that copies the
 * reference. Without this script the form works as it is: a photo over the limit is refused with a message.
 */
import type { Lang } from '../../server/platform/i18n';
import { REPORT_SCRIPT_TEXTS } from '../../server/tips/tip-status-texts';
import { el } from './dom';

/** MAX_PHOTO_BYTES of server/tips/tip-schema.ts (that module needs zod and Node: restated here). */
const PHOTO_LIMIT = 1024 * 1024;
/** What the re-encoded photo aims for: under the limit with room to spare. */
const TARGET_BYTES = PHOTO_LIMIT - 32 * 1024;
const ACCEPTED_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
/** A longer edge than this shows nothing more of a certificate on a phone photo. */
const MAX_EDGE = 2560;
const QUALITIES = [0.85, 0.72, 0.6, 0.5];
/** Each round that no quality fits shrinks the picture to this share of its edges. */
const SHRINK = 0.75;
const MAX_ROUNDS = 8;

function toJpeg(canvas: HTMLCanvasElement, quality: number): Promise<Blob | null> {
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
}

/**
 * A JPEG of the photo that fits the limit, or undefined when the browser cannot read the file or no size
 * fits. The bitmap is decoded with the photo's EXIF orientation, so the picture stays upright.
 */
export async function fitPhoto(file: Blob, name = 'photo.jpg'): Promise<File | undefined> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return undefined;
  }
  try {
    let scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      const context = canvas.getContext('2d');
      if (!context) return undefined;
      // JPEG has no transparency: a transparent PNG goes on white, not black.
      context.fillStyle = '#fff';
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      for (const quality of QUALITIES) {
        const blob = await toJpeg(canvas, quality);
        if (blob && blob.size <= TARGET_BYTES) {
          return new File([blob], name.replace(/\.[^.]*$/, '') + '.jpg', { type: 'image/jpeg' });
        }
      }
      scale *= SHRINK;
    }
    return undefined;
  } finally {
    bitmap.close();
  }
}

/** Whether a chosen file is sent as it is: small enough, and of a type the service takes. */
function fitsAsIs(file: File): boolean {
  return file.size <= PHOTO_LIMIT && ACCEPTED_TYPES.includes(file.type);
}

/** Puts `file` in the input in place of what was chosen (where the browser allows it). */
function replaceFile(input: HTMLInputElement, file: File): boolean {
  try {
    const transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    return input.files?.length === 1;
  } catch {
    return false;
  }
}

/** The photo field of the report form: a photo over the limit is made to fit before it can be sent. */
export function mountPhotoFitting(form: HTMLFormElement, lang: Lang): void {
  const input = form.querySelector<HTMLInputElement>('input[type="file"][name="photo"]');
  const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  if (!input || !submit || typeof createImageBitmap !== 'function') return;
  const t = REPORT_SCRIPT_TEXTS[lang];
  const note = el('p', { class: 'hint photo-note', id: 'photo-note', role: 'status', 'aria-live': 'polite' });
  input.insertAdjacentElement('afterend', note);
  let run = 0;
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    note.textContent = '';
    if (!file || fitsAsIs(file)) return;
    const mine = (run += 1);
    submit.disabled = true;
    note.textContent = t.shrinking;
    void fitPhoto(file, file.name)
      .then((fitted) => {
        if (mine !== run) return; // another photo was chosen meanwhile
        if (fitted && replaceFile(input, fitted)) {
          note.textContent = t.shrunk(Math.ceil(fitted.size / 1024));
        } else {
          note.textContent = t.shrinkFailed;
        }
      })
      .finally(() => {
        if (mine === run) submit.disabled = false;
      });
  });
}

/** The confirmation of a report: a button that copies its reference. */
export function mountCopyReference(section: HTMLElement, lang: Lang): void {
  const reference = section.querySelector<HTMLElement>('#reference');
  if (!reference) return;
  const t = REPORT_SCRIPT_TEXTS[lang];
  const said = el('span', { class: 'copy-note', role: 'status', 'aria-live': 'polite' });
  const button = el('button', { type: 'button', class: 'button copy-reference' }, t.copy);
  button.addEventListener('click', () => {
    const text = reference.textContent?.trim() ?? '';
    const copied = navigator.clipboard?.writeText
      ? navigator.clipboard.writeText(text).then(() => true)
      : Promise.reject(new Error('no clipboard'));
    void copied
      .catch(() => {
        // Older browsers, or a page not in a secure context: select the text and copy the selection.
        const range = document.createRange();
        range.selectNodeContents(reference);
        const selection = window.getSelection();
        selection?.removeAllRanges();
        selection?.addRange(range);
        return document.execCommand('copy');
      })
      .then((ok) => {
        said.textContent = ok ? t.copied : t.copyFailed;
      });
  });
  reference.parentElement?.insertAdjacentElement('afterend', el('p', {}, button, ' ', said));
}
