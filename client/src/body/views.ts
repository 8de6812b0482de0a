/**
 * The portal's panels: reporting (due date, late notice, "nothing changed"), upload with progress and
 * the job's result and error report, the list of jobs, a certificate's status change, and the public
 * commitment. Text always goes in as text (client/src/dom.ts); refusals show the API's own message.
 */
import type { Body } from '../../../server/bodies/body-schema';
import type { Lang } from '../../../server/platform/i18n';
import type { ErrorCode } from '../../../server/platform/errors';
import { errorText } from '../../../server/error-texts';
import type { UploadJob } from '../../../server/uploads/upload-schema';
import type { PublicCertificate, Status } from '../../../server/certificates/certificate-schema';
import { messagesFor } from '../../../server/certificates/certificate-texts';
import { el, replaceChildren, type Child } from '../dom';
import { api, ApiError, formatOf, newJobId } from './api';
import type { PortalTexts } from './texts';

export interface PortalContext {
  lang: Lang;
  t: PortalTexts;
  body: Body;
  /** Says something in the polite live region. */
  announce(message: string): void;
  /** Reads the reporting panel and the jobs list again (after a report). */
  reported(): void;
}

const CHINA_OFFSET_MS = 8 * 3_600_000;
/** `YYYY-MM-DD HH:MM`, China time. */
export const chinaTime = (iso: string): string =>
  new Date(Date.parse(iso) + CHINA_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
const chinaToday = () => new Date(Date.now() + CHINA_OFFSET_MS).toISOString().slice(0, 10);

/** The message of a refused call in the page language, with the server's own detail. */
export function errorMessage(error: unknown, ctx: Pick<PortalContext, 'lang' | 't'>): string {
  if (!(error instanceof ApiError)) return String(error);
  if (error.status === 0) return ctx.t.networkError;
  let text: string | undefined;
  try {
    text = error.code ? errorText(error.code as ErrorCode, ctx.lang) : undefined;
  } catch {
    // A code newer than this bundle: the server's detail says it.
  }
  // The server's detail and its fields' messages are in the page language (the call asks for it).
  const [colon, separator] = ctx.lang === 'zh' ? ['：', ''] : [': ', '; '];
  const fields = error.fields
    .map((f) => (f.field ? `${f.field}${colon}${f.message}` : f.message))
    .join(separator);
  const said = error.message === text ? '' : error.message;
  const detail = [said, fields].filter(Boolean).join(' ');
  if (!text) return detail;
  return detail ? ctx.t.apiError(text, detail) : text;
}

export function errorBox(error: unknown, ctx: Pick<PortalContext, 'lang' | 't'>): HTMLElement {
  return el('div', { class: 'console-error', role: 'alert' }, el('p', {}, errorMessage(error, ctx)));
}

function field(control: HTMLElement & { id: string }, label: string, hint?: string): HTMLElement {
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

function panel(id: string, heading: string, ...children: Child[]): HTMLElement {
  return el(
    'section',
    { class: 'panel profile-section', 'aria-labelledby': id },
    el('h2', { id }, heading),
    ...children,
  );
}

/** A form whose submit runs `submit` with the button disabled and shows a refusal in place. */
function actionForm(
  ctx: PortalContext,
  label: string,
  children: Child[],
  submitLabel: string,
  submit: (form: HTMLFormElement) => Promise<void>,
): HTMLFormElement {
  const errors = el('div', { class: 'form-errors' });
  const button = el('button', { type: 'submit' }, submitLabel);
  const form = el(
    'form',
    { class: 'form console-form', 'aria-label': label, novalidate: true },
    ...children,
    errors,
    button,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (button.disabled) return;
    button.disabled = true;
    replaceChildren(errors);
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

const valueOf = (form: HTMLFormElement, name: string): string =>
  ((form.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement | null)?.value ?? '').trim();

function facts(pairs: [string, Child][]): HTMLDListElement {
  return el(
    'dl',
    { class: 'facts' },
    ...pairs.flatMap(([label, value]) => [el('dt', {}, label), el('dd', {}, value)]),
  );
}

// ---------------------------------------------------------------------------------------------------

export function reportingPanel(ctx: PortalContext): { element: HTMLElement; load(): Promise<void> } {
  const { t, body } = ctx;
  const status = el('div', {});
  const note = el('input', {
    id: 'confirm-note',
    name: 'note',
    type: 'text',
    maxlength: '500',
    autocomplete: 'off',
  });
  const form = actionForm(
    ctx,
    t.confirmHeading,
    [el('p', { class: 'hint' }, t.confirmHint), field(note, t.confirmNote)],
    t.confirmButton,
    async (f) => {
      const done = await api.confirm(body.code, valueOf(f, 'note') || undefined);
      f.reset();
      ctx.announce(t.confirmed(chinaTime(done.lastReportedAt)));
      ctx.reported();
    },
  );
  const element = panel(
    'reporting-heading',
    t.reportingHeading,
    status,
    el('h3', {}, t.confirmHeading),
    form,
  );
  return {
    element,
    async load() {
      try {
        const r = await api.reporting(body.code);
        replaceChildren(
          status,
          r.late
            ? el('p', { class: 'portal-notice-late', id: 'late-notice' }, t.late(r.nextDueDate, r.daysLate))
            : el('p', { id: 'due-notice' }, t.notLate(r.nextDueDate)),
          facts([
            [t.lastReport, r.lastReportAt ? chinaTime(r.lastReportAt) : t.neverReported],
            [t.nextDue, r.nextDueDate],
            ...(r.months.length > 0
              ? [[t.reportingHeading, t.onTime(r.onTimeMonths, r.months.length)] as [string, Child]]
              : []),
          ]),
        );
      } catch (error) {
        replaceChildren(status, errorBox(error, ctx));
      }
    },
  };
}

/** CSV text (RFC 4180, as the error report writes it) as rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i += 1) {
    const c = src[i] as string;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

const REPORT_ROWS_SHOWN = 50;

/** A job's outcome: state, counts, summary, and its error report (a table and a download link). */
export async function jobResult(ctx: PortalContext, job: UploadJob): Promise<HTMLElement> {
  const { t } = ctx;
  const result = el(
    'div',
    { class: 'job-result', id: 'job-result', 'data-state': job.state },
    el('h3', {}, `${t.jobHeading}${ctx.lang === 'zh' ? '：' : ': '}${t.jobState[job.state]}`),
    el('p', {}, t.jobCounts(job.progress)),
    job.summary ? el('p', { class: 'muted' }, job.summary) : null,
    job.failure ? el('p', { class: 'muted' }, job.failure.message) : null,
  );
  if (job.errorsStored > 0) {
    const csv = await api.errorReport(job.id);
    const [, ...rows] = parseCsv(csv);
    const shown = rows.slice(0, REPORT_ROWS_SHOWN);
    const c = t.errorColumns;
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    result.append(
      el('h4', {}, t.errorReportHeading),
      el(
        'div',
        { class: 'table-wrap' },
        el(
          'table',
          { class: 'data-table', id: 'error-report' },
          el('caption', {}, t.errorsShown(shown.length, job.errorsStored)),
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ...[c.row, c.field, c.code, c.message, c.number].map((h) => el('th', { scope: 'col' }, h)),
            ),
          ),
          el(
            'tbody',
            {},
            ...shown.map((r) => el('tr', {}, ...[0, 1, 2, 3, 4].map((i) => el('td', {}, r[i] ?? '')))),
          ),
        ),
      ),
      el('p', {}, el('a', { href: url, download: `upload-${job.id}-errors.csv` }, t.downloadReport)),
    );
  }
  return result;
}

export function uploadPanel(ctx: PortalContext): HTMLElement {
  const { t } = ctx;
  const fileInput = el('input', { id: 'upload-file', name: 'file', type: 'file', accept: '.xlsx,.csv' });
  let chosen: File | undefined;
  const chosenName = el('p', { class: 'muted', id: 'chosen-file' });
  const choose = (file: File | undefined) => {
    chosen = file;
    chosenName.textContent = file ? file.name : '';
  };
  fileInput.addEventListener('change', () => choose(fileInput.files?.[0]));
  const drop = el(
    'div',
    { class: 'drop-zone', id: 'drop-zone' },
    el('p', {}, t.dropHere),
    field(fileInput, t.fileLabel),
    chosenName,
  );
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('drag-over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('drag-over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('drag-over');
    choose(e.dataTransfer?.files[0]);
  });
  const mode = el(
    'select',
    { id: 'upload-mode', name: 'mode' },
    el('option', { value: 'atomic', selected: true }, t.modeAtomic),
    el('option', { value: 'partial' }, t.modePartial),
  );
  const progress = el('progress', {
    class: 'upload-progress',
    id: 'upload-progress',
    max: '100',
    value: '0',
    'aria-label': t.progressLabel,
  });
  const progressText = el('p', { id: 'upload-progress-text', 'aria-live': 'polite' });
  const result = el('div', { id: 'upload-result' });

  const form = actionForm(
    ctx,
    t.uploadHeading,
    [el('p', { class: 'hint' }, t.uploadHint), drop, field(mode, t.modeLabel), progress, progressText],
    t.uploadButton,
    async () => {
      const file = chosen;
      if (!file) throw new Error(t.chooseFirst);
      if (!formatOf(file)) throw new Error(t.wrongType);
      replaceChildren(result);
      const jobId = newJobId();
      let sentShare = 0;
      progress.value = 0;
      const show = (rows?: number) => {
        progressText.textContent =
          rows === undefined ? t.sending(Math.round(sentShare * 100)) : t.rowsRead(rows);
      };
      show();
      // While the server reads the file, its job says how many rows it has processed.
      let polling = true;
      const poll = async () => {
        while (polling) {
          await new Promise((r) => window.setTimeout(r, 400));
          if (!polling) break;
          const job = await api.job(jobId).catch(() => undefined);
          if (job && polling) {
            progress.value = Math.max(
              progress.value,
              Math.min(99, (job.progress.bytes / Math.max(1, file.size)) * 100),
            );
            show(job.progress.rowsRead);
          }
        }
      };
      void poll();
      let job: UploadJob;
      try {
        job = await api.upload(file, {
          mode: mode.value,
          jobId,
          onSent: (sent, total) => {
            sentShare = total > 0 ? sent / total : 0;
            progress.value = Math.max(progress.value, sentShare * 90);
            show();
          },
        });
      } catch (error) {
        polling = false;
        if (!(error instanceof ApiError) || !error.job) throw error;
        job = error.job;
      } finally {
        polling = false;
      }
      progress.value = 100;
      show(job.progress.rowsRead);
      replaceChildren(result, await jobResult(ctx, job));
      ctx.announce(`${t.jobHeading}${ctx.lang === 'zh' ? '：' : ': '}${t.jobState[job.state]}`);
      ctx.reported();
    },
  );
  return panel('upload-heading', t.uploadHeading, form, result);
}

export function jobsPanel(ctx: PortalContext): { element: HTMLElement; load(page?: number): Promise<void> } {
  const { t } = ctx;
  const content = el('div', { id: 'jobs' });
  const report = el('div', { id: 'job-report' });
  const element = panel('jobs-heading', t.jobsHeading, content, report);
  const PAGE_SIZE = 10;
  async function load(page = 1): Promise<void> {
    try {
      const list = await api.uploads(page, PAGE_SIZE);
      if (list.total === 0) {
        replaceChildren(content, el('p', {}, t.jobsEmpty));
        return;
      }
      const c = t.jobColumns;
      const rows = list.items.map((job) => {
        const show = el('button', { type: 'button', class: 'button-secondary' }, t.showReport);
        show.addEventListener('click', () => {
          void jobResult(ctx, job)
            .then((r) => {
              r.id = 'job-report-result';
              replaceChildren(report, r);
            })
            .catch((error: unknown) => replaceChildren(report, errorBox(error, ctx)));
        });
        return el(
          'tr',
          {},
          el('td', { class: 'nowrap' }, chinaTime(job.createdAt)),
          el('td', {}, job.fileName ?? job.format),
          el('td', { class: 'nowrap' }, t.jobState[job.state]),
          el('td', { class: 'num' }, String(job.progress.rowsRead)),
          el('td', {}, job.errorsStored > 0 ? show : '—'),
        );
      });
      const pages = Math.max(1, Math.ceil(list.total / PAGE_SIZE));
      const nav = el('nav', { class: 'pager', 'aria-label': t.pageOf(page, pages) });
      if (page > 1) {
        const prev = el('button', { type: 'button', class: 'button-secondary' }, t.previousPage);
        prev.addEventListener('click', () => void load(page - 1));
        nav.append(prev);
      }
      nav.append(el('span', {}, t.pageOf(page, pages)));
      if (page < pages) {
        const next = el('button', { type: 'button', class: 'button-secondary' }, t.nextPage);
        next.addEventListener('click', () => void load(page + 1));
        nav.append(next);
      }
      replaceChildren(
        content,
        el(
          'div',
          { class: 'table-wrap' },
          el(
            'table',
            { class: 'data-table', id: 'jobs-table' },
            el('caption', { class: 'visually-hidden' }, t.jobsHeading),
            el(
              'thead',
              {},
              el(
                'tr',
                {},
                ...[c.when, c.file, c.state, c.rows, c.report].map((h) => el('th', { scope: 'col' }, h)),
              ),
            ),
            el('tbody', {}, ...rows),
          ),
        ),
        pages > 1 ? nav : null,
      );
    } catch (error) {
      replaceChildren(content, errorBox(error, ctx));
    }
  }
  return { element, load };
}

/** What the status-change view needs of a certificate: a lookup's answer or a row of the list. */
export type ChangeTarget = Pick<PublicCertificate, 'publicId' | 'number' | 'issueDate' | 'status'> & {
  holder: { name: string };
};

/**
 * Find a certificate by number and change its status. `show` opens the change for a certificate found
 * elsewhere (the list of the body's certificates), focused; `onChanged` hears each change saved.
 */
export function certificatePanel(
  ctx: PortalContext,
  onChanged: () => void = () => undefined,
): { element: HTMLElement; show(cert: ChangeTarget, focus?: boolean): void } {
  const { t, body } = ctx;
  const statusBadge = (status: Status) => messagesFor(ctx.lang).status[status].badge;
  const found = el('div', { id: 'certificate-found' });
  const number = el('input', {
    id: 'certificate-number',
    name: 'number',
    type: 'text',
    maxlength: '64',
    autocomplete: 'off',
  });

  function show(cert: ChangeTarget, focus = false): void {
    const status = el(
      'select',
      { id: 'new-status', name: 'status' },
      ...(['suspended', 'valid', 'revoked', 'withdrawn'] as const).map((s) =>
        el('option', { value: s }, t.statusNames[s]),
      ),
    );
    const reason = el('textarea', { id: 'status-reason', name: 'reason', rows: '2', maxlength: '1000' });
    const date = el('input', {
      id: 'effective-date',
      name: 'effectiveDate',
      type: 'date',
      value: chinaToday(),
    });
    const change = actionForm(
      ctx,
      t.changeHeading,
      [field(status, t.newStatus), field(reason, t.reasonLabel, t.reasonHint), field(date, t.effectiveLabel)],
      t.changeButton,
      async (cf) => {
        const reasonText = valueOf(cf, 'reason');
        const updated = await api.changeStatus(cert.publicId, {
          status: valueOf(cf, 'status'),
          ...(reasonText ? { reason: reasonText } : {}),
          effectiveDate: valueOf(cf, 'effectiveDate'),
        });
        ctx.announce(t.changed(statusBadge(updated.status)));
        current.textContent = statusBadge(updated.status);
        onChanged();
      },
    );
    const current = el('span', { id: 'certificate-status' }, statusBadge(cert.status));
    const heading = el(
      'h3',
      { id: 'change-heading', tabindex: '-1' },
      `${t.changeHeading}${ctx.lang === 'zh' ? '：' : ': '}${cert.number}`,
    );
    replaceChildren(
      found,
      facts([
        [t.numberLabel, cert.number],
        [t.holder, cert.holder.name],
        [t.issued, cert.issueDate],
        [t.statusNow, current],
      ]),
      heading,
      change,
    );
    if (focus) heading.focus();
  }

  const find = actionForm(
    ctx,
    t.certificatesHeading,
    [field(number, t.numberLabel)],
    t.findButton,
    async (f) => {
      const { items } = await api.certificates(valueOf(f, 'number'), body.code);
      const cert = items[0];
      if (!cert) {
        replaceChildren(found, el('p', { role: 'status' }, t.noCertificate));
        return;
      }
      show(cert);
    },
  );
  return { element: panel('certificates-heading', t.certificatesHeading, find, found), show };
}

export function commitmentPanel(ctx: PortalContext): { element: HTMLElement; load(): Promise<void> } {
  const { t, body } = ctx;
  const current = el('p', { id: 'commitment-current' });
  const text = el('textarea', { id: 'commitment-text', name: 'text', rows: '6', maxlength: '5000' });
  const dated = el('input', { id: 'commitment-dated', name: 'dated', type: 'date', value: chinaToday() });
  const form = actionForm(
    ctx,
    t.commitmentHeading,
    [field(text, t.commitmentText, t.commitmentHint), field(dated, t.commitmentDate)],
    t.commitmentButton,
    async (f) => {
      const saved = await api.submitCommitment(body.code, valueOf(f, 'text'), valueOf(f, 'dated'));
      ctx.announce(t.commitmentSaved(saved.version));
      current.textContent = t.commitmentCurrent(saved.version, saved.dated);
    },
  );
  const element = panel('commitment-heading', t.commitmentHeading, current, form);
  return {
    element,
    async load() {
      try {
        const [latest] = (await api.commitments(body.code)).items;
        current.textContent = latest ? t.commitmentCurrent(latest.version, latest.dated) : t.commitmentNone;
        if (latest) text.value = latest.text;
      } catch (error) {
        replaceChildren(current, errorBox(error, ctx));
      }
    },
  };
}
