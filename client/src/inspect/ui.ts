/**
 * Building blocks of the console's views: labelled fields, action forms that show the API's refusal in
 * place, headings that take focus, definition lists. Text always goes in as text (client/src/dom.ts).
 */
import { errorText } from '../../../server/error-texts';
import type { Lang } from '../../../server/platform/i18n';
import type { ErrorCode } from '../../../server/platform/errors';
import { el, replaceChildren, type Child } from '../dom';
import { ApiError } from './api';
import type { InspectTexts } from './texts';
import type { CaseRefs } from './types';

/** What every view gets: the language, its texts, navigation and the status line. */
export interface ViewContext {
  lang: Lang;
  t: InspectTexts;
  /** Goes to a console route (`#case/…`). */
  go(hash: string): void;
  /** Says something in the polite live region (a saved action). */
  announce(message: string): void;
  /** Renders the current view again (after a change), then announces `message`. */
  refresh(message?: string): void;
}

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** `YYYY-MM-DD HH:MM`, China time (the inspectors' clock, whatever the browser's zone). */
export function chinaTime(iso: string | undefined): string {
  const t = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(t)) return iso ?? '';
  return new Date(t + CHINA_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** Today's date in China (`YYYY-MM-DD`). */
export function chinaToday(): string {
  return new Date(Date.now() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * The message of a refused call in the page language only: the code's own text, with the server's
 * detail when it says more (the call asks for the page language), or a sentence of the console's own.
 */
export function errorMessage(error: unknown, lang: Lang, t: InspectTexts): string {
  if (!(error instanceof ApiError)) return t.unexpectedError;
  if (error.status === 0) return t.networkError;
  let text: string | undefined;
  try {
    text = error.code ? errorText(error.code as ErrorCode, lang) : undefined;
  } catch {
    // A code newer than this bundle: said in the console's own words below.
  }
  if (!text) return lang === 'en' && error.message ? error.message : t.requestFailed(error.status);
  return error.message && error.message !== text ? t.apiError(text, error.message) : text;
}

/** An alert box for a refused call, with the fields the server named (in the page language, as asked). */
export function errorBox(error: unknown, ctx: ViewContext): HTMLElement {
  const fields = error instanceof ApiError ? error.fields : [];
  const colon = ctx.lang === 'zh' ? '：' : ': ';
  return el(
    'div',
    { class: 'console-error', role: 'alert' },
    el('p', {}, errorMessage(error, ctx.lang, ctx.t)),
    fields.length > 0
      ? el(
          'ul',
          {},
          ...fields.map((f) => el('li', {}, f.field ? `${f.field}${colon}${f.message}` : f.message)),
        )
      : null,
  );
}

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** The words a person reads for a control: its label, or its group's legend for a radio button. */
function labelOf(control: Control): string {
  if (control instanceof HTMLInputElement && control.type === 'radio') {
    return control.closest('fieldset')?.querySelector('legend')?.textContent?.trim() ?? control.name;
  }
  const label = control.id ? control.form?.querySelector(`label[for="${CSS.escape(control.id)}"]`) : null;
  return label?.textContent?.trim() ?? control.name;
}

function isEmpty(control: Control): boolean {
  if (control instanceof HTMLInputElement) {
    if (control.type === 'checkbox') return !control.checked;
    if (control.type === 'radio') {
      return !control.form?.querySelector(`input[type="radio"][name="${CSS.escape(control.name)}"]:checked`);
    }
    if (control.type === 'file') return (control.files?.length ?? 0) === 0;
  }
  return control.value.trim() === '';
}

/**
 * The required controls of a form left empty (disabled ones, and those in a disabled fieldset, are not
 * asked for), each radio group once: the console says so in the page language, not the browser's.
 */
export function missingFields(form: HTMLFormElement): { control: Control; message: string }[] {
  const seen = new Set<string>();
  const missing: { control: Control; message: string }[] = [];
  for (const element of Array.from(form.elements)) {
    const control = element as Control;
    if (!('required' in control) || !control.required || control.matches(':disabled')) continue;
    control.removeAttribute('aria-invalid');
    const key =
      control instanceof HTMLInputElement && control.type === 'radio' ? `radio:${control.name}` : '';
    if (key && seen.has(key)) continue;
    if (key) seen.add(key);
    if (isEmpty(control)) missing.push({ control, message: labelOf(control) });
  }
  return missing;
}

/** A view's heading: focused after navigation, so screen readers announce the new view. */
export function viewHeading(text: string, id = 'view-heading'): HTMLHeadingElement {
  return el('h2', { class: 'view-heading', id, tabindex: '-1' }, text);
}

/** A view: a section named by its heading. */
export function view(heading: string, ...children: Child[]): HTMLElement {
  return el(
    'section',
    { class: 'view', 'aria-labelledby': 'view-heading' },
    viewHeading(heading),
    ...children,
  );
}

/** A label, an optional hint, and the control, tied together for assistive technology. */
export function field(
  control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement,
  label: string,
  hint?: string,
): HTMLElement {
  const hintId = hint ? `${control.id}-hint` : undefined;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return el(
    'div',
    { class: 'field' },
    el('label', { for: control.id }, label),
    hint ? el('p', { class: 'hint', id: hintId }, hint) : null,
    control,
  );
}

export function input(
  id: string,
  attrs: Record<string, string | boolean | undefined> = {},
): HTMLInputElement {
  return el('input', { id, name: id, type: 'text', autocomplete: 'off', ...attrs });
}

export function textarea(
  id: string,
  attrs: Record<string, string | boolean | undefined> = {},
): HTMLTextAreaElement {
  return el('textarea', { id, name: id, rows: '3', ...attrs });
}

export function select(
  id: string,
  options: readonly (readonly [value: string, label: string])[],
  selected?: string,
): HTMLSelectElement {
  return el(
    'select',
    { id, name: id },
    ...options.map(([value, label]) => el('option', { value, selected: value === selected }, label)),
  );
}

/** A checkbox or radio button with its label after it. */
export function choice(
  type: 'checkbox' | 'radio',
  id: string,
  label: string,
  attrs: Record<string, string | boolean | undefined> = {},
): HTMLElement {
  return el('div', { class: 'choice' }, el('input', { type, id, ...attrs }), el('label', { for: id }, label));
}

let formCount = 0;

/**
 * A form for one action: runs `submit` on submit with the button disabled, shows the API's refusal in
 * place (and moves focus to it), and calls nothing else: `submit` says what success does. `label` names
 * the form; with `heading`, it is also shown as the form's heading.
 */
export function actionForm(
  ctx: ViewContext,
  options: { label: string; heading?: boolean; submitLabel: string; className?: string },
  children: Child[],
  submit: (form: HTMLFormElement) => Promise<void>,
): HTMLFormElement {
  const errors = el('div', { class: 'form-errors' });
  const button = el('button', { type: 'submit' }, options.submitLabel);
  const headingId = `form-heading-${++formCount}`;
  const form = el(
    'form',
    {
      class: `form console-form ${options.className ?? ''}`.trim(),
      'aria-label': options.heading ? undefined : options.label,
      'aria-labelledby': options.heading ? headingId : undefined,
    },
    options.heading ? el('h3', { id: headingId }, options.label) : null,
    ...children,
    errors,
    button,
  );
  // The console checks required fields itself, in the page language (see missingFields).
  form.noValidate = true;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (button.disabled) return;
    replaceChildren(errors);
    const missing = missingFields(form);
    if (missing.length > 0) {
      for (const { control } of missing) control.setAttribute('aria-invalid', 'true');
      const box = el(
        'div',
        { class: 'console-error', role: 'alert', tabindex: '-1' },
        el('p', {}, ctx.t.fixFields),
        el('ul', {}, ...missing.map(({ message }) => el('li', {}, ctx.t.required(message)))),
      );
      replaceChildren(errors, box);
      missing[0]?.control.focus();
      return;
    }
    button.disabled = true;
    submit(form)
      .catch((error: unknown) => {
        const box = errorBox(error, ctx);
        box.tabIndex = -1;
        replaceChildren(errors, box);
        box.focus();
      })
      .finally(() => {
        button.disabled = false;
      });
  });
  return form;
}

/** The trimmed value of a named control of a form. */
export function valueOf(form: HTMLFormElement, name: string): string {
  const control = form.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement | null;
  return control?.value.trim() ?? '';
}

/** A definition list of the pairs whose value is given. */
export function facts(pairs: [label: string, value: Child | undefined][]): HTMLDListElement {
  return el(
    'dl',
    { class: 'facts' },
    ...pairs
      .filter(([, value]) => value !== undefined && value !== '')
      .flatMap(([label, value]) => [el('dt', {}, label), el('dd', {}, value)]),
  );
}

/** A link to another console route. */
export function routeLink(hash: string, text: string): HTMLAnchorElement {
  return el('a', { href: hash }, text);
}

/** A link to the public result page of a certificate, in a new tab (the console keeps its state). */
export function publicLink(publicId: string, text = publicId): HTMLAnchorElement {
  return el('a', { href: `/v/${encodeURIComponent(publicId)}`, target: '_blank', rel: 'noopener' }, text);
}

/**
 * A person a case's refs name: the directory name as it is; a token with no inspector linked by its
 * label, said to be a label (it is what the issuer typed, not a name from the directory).
 */
export function refPersonName(t: InspectTexts, refs: CaseRefs, id: string): string | undefined {
  const person = refs.people[id];
  if (!person) return undefined;
  return person.fromLabel ? t.labelName(person.name) : person.name;
}
