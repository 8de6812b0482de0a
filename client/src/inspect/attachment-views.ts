/**
 * The evidence attachments of a case: the list (name, size, type, who uploaded it, when) with a button
 * that fetches each with the token and shows a photo in place or offers a PDF to save, and, while the
 * case is open, the form that uploads a photo or a PDF (the server checks its type by its bytes).
 */
import { MAX_ATTACHMENT_BYTES } from '../../../server/cases/attachment-limits';
import { el, replaceChildren } from '../dom';
import { api, ApiError } from './api';
import type { Attachment, CaseView } from './types';
import { actionForm, chinaTime, errorBox, field, input, refPersonName, type ViewContext } from './ui';

/** The type as a person names it. */
function typeName(ctx: ViewContext, type: Attachment['contentType']): string {
  return ctx.t.attachmentType[type];
}

function openButton(ctx: ViewContext, k: CaseView, a: Attachment, shown: HTMLElement): HTMLElement {
  const { t } = ctx;
  const image = a.contentType.startsWith('image/');
  const visible = image ? t.showPhoto : t.download;
  // The accessible name starts with the visible words (WCAG 2.5.3) and says which file.
  const button = el(
    'button',
    {
      type: 'button',
      class: 'button-secondary button-small',
      'aria-label': t.openAttachment(visible, a.name),
    },
    visible,
  );
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      // Fetched with the token (a link could not send it), kept in memory as a blob.
      const url = URL.createObjectURL(await api.attachment(k.id, a.id));
      if (image) {
        replaceChildren(shown, el('img', { src: url, alt: t.attachmentAlt(a.name) }));
      } else {
        const save = el('a', { href: url, download: a.name }, t.saveFile(a.name));
        replaceChildren(shown, save);
        save.click();
      }
    } catch (error) {
      shown.append(errorBox(error, ctx));
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

function attachmentList(ctx: ViewContext, k: CaseView): HTMLElement {
  const { t } = ctx;
  if (k.attachments.length === 0) return el('p', { class: 'muted' }, t.noAttachments);
  const c = t.attachmentColumns;
  const cell = (label: string, content: Node | string, className?: string) =>
    el('td', { 'data-label': label, class: className }, content);
  return el(
    'table',
    { class: 'queue cards', id: 'attachments' },
    el('caption', { class: 'visually-hidden' }, t.attachmentsHeading),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...[c.name, c.type, c.size, c.uploadedBy, c.uploadedAt, c.open].map((h) =>
          el('th', { scope: 'col' }, h),
        ),
      ),
    ),
    el(
      'tbody',
      {},
      ...k.attachments.map((a) => {
        const shown = el('div', { class: 'attachment-shown' });
        return el(
          'tr',
          { 'data-id': a.id },
          cell(c.name, a.name),
          cell(c.type, typeName(ctx, a.contentType), 'nowrap'),
          cell(c.size, t.fileSize(a.size), 'nowrap'),
          cell(c.uploadedBy, refPersonName(t, k.refs, a.uploadedBy) ?? t.unknownPerson),
          cell(c.uploadedAt, chinaTime(a.uploadedAt), 'nowrap'),
          el('td', { 'data-label': c.open }, openButton(ctx, k, a, shown), shown),
        );
      }),
    ),
  );
}

/** The form that adds a photo or a PDF; too large a file is refused here before it is sent. */
function uploadForm(ctx: ViewContext, k: CaseView): HTMLFormElement {
  const { t } = ctx;
  // The browser's own file button speaks the browser's language: the input is hidden (still focusable)
  // and its label is the button, with the chosen file's name beside it, in the page language.
  const file = input('attachment-file', {
    type: 'file',
    class: 'file-input',
    required: true,
    accept: 'image/jpeg,image/png,image/webp,application/pdf,.pdf',
  });
  const chosen = el('span', { class: 'file-chosen', id: 'attachment-chosen' }, t.noFileChosen);
  file.addEventListener('change', () => {
    chosen.textContent = file.files?.[0]?.name ?? t.noFileChosen;
  });
  const picker = field(file, t.attachmentFile, t.attachmentHint);
  picker.classList.add('file-field');
  picker.append(chosen);
  return actionForm(
    ctx,
    { label: t.attachHeading, heading: true, submitLabel: t.attach },
    [picker],
    async () => {
      const chosen = file.files?.[0];
      if (!chosen) return;
      if (chosen.size > MAX_ATTACHMENT_BYTES) {
        throw new ApiError(413, 'ATTACHMENT_TOO_LARGE', '');
      }
      await api.attach(k.id, chosen);
      ctx.refresh(t.attached);
    },
  );
}

export function attachmentsSection(ctx: ViewContext, k: CaseView): HTMLElement {
  return el(
    'section',
    { class: 'attachments', 'aria-labelledby': 'attachments-heading' },
    el('h3', { id: 'attachments-heading' }, ctx.t.attachmentsHeading),
    attachmentList(ctx, k),
    k.state === 'open' ? uploadForm(ctx, k) : null,
  );
}
