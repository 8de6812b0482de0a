/**
 * The portal's calls to the API, with the body's bearer token. The token lives in sessionStorage only
 * (this tab, until sign-out or the tab closes): never in a URL, a cookie or localStorage. Uploads go
 * through XMLHttpRequest, whose upload progress events fetch does not give.
 */
import type { Body } from '../../../server/bodies/body-schema';
import type { ReportingTimeliness } from '../../../server/bodies/body-reporting';
import type { Commitment } from '../../../server/bodies/commitment-schema';
import type { BodyCertificateItem, PublicCertificate } from '../../../server/certificates/certificate-schema';
import type { KeysetPage } from '../../../server/platform/keyset';
import type { UploadJob } from '../../../server/uploads/upload-schema';
import { pageLang } from '../page-lang';

const TOKEN_KEY = 'certwatch.body.token';

export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  signIn: (token: string): void => sessionStorage.setItem(TOKEN_KEY, token),
  signOut: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

/** A refused call: the problem's stable code and message (RFC 9457), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
    readonly fields: { field: string; message: string }[] = [],
    readonly job?: UploadJob,
  ) {
    super(message);
  }
}

interface Problem {
  code?: string;
  detail?: string;
  errors?: { field: string; message: string }[];
  job?: UploadJob;
}

let onUnauthenticated: () => void = () => undefined;
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

function refused(status: number, problem: Problem, statusText: string): ApiError {
  if (status === 401) onUnauthenticated();
  return new ApiError(status, problem.code, problem.detail ?? statusText, problem.errors, problem.job);
}

async function call(method: string, path: string, body?: unknown): Promise<Response> {
  // Refusals come back in the page's language (the server negotiates on Accept-Language).
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': pageLang() };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, undefined, 'network');
  }
  if (res.ok) return res;
  throw refused(res.status, (await res.json().catch(() => ({}))) as Problem, res.statusText);
}

async function json<T>(method: string, path: string, body?: unknown): Promise<T> {
  return (await (await call(method, path, body)).json()) as T;
}

const enc = encodeURIComponent;

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** A new job id the client proposes: 128 random bits, base64url (so it can poll the job while sending). */
export function newJobId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

const CONTENT_TYPES: Record<string, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
};

/** The upload format of a file by its name, or undefined when the portal does not take it. */
export function formatOf(file: File): 'xlsx' | 'csv' | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase();
  return ext === 'xlsx' || ext === 'csv' ? ext : undefined;
}

export const api = {
  /** The body of the token: a body token lists only itself. */
  bodies: () => json<{ items: Body[] }>('GET', '/bodies'),
  /** A body's own jobs (401 for a bad token; 400 for a token that is not a body's). */
  uploads: (page = 1, pageSize = 10) =>
    json<Page<UploadJob>>('GET', `/uploads?page=${page}&pageSize=${pageSize}`),
  job: (jobId: string) => json<UploadJob>('GET', `/uploads/${enc(jobId)}`),
  errorReport: async (jobId: string) => (await call('GET', `/uploads/${enc(jobId)}/errors.csv`)).text(),
  reporting: (code: string) => json<ReportingTimeliness>('GET', `/bodies/${enc(code)}/reporting`),
  confirm: (code: string, note?: string) =>
    json<{ lastReportedAt: string }>('POST', `/bodies/${enc(code)}/confirmations`, note ? { note } : {}),
  commitments: (code: string) => json<{ items: Commitment[] }>('GET', `/bodies/${enc(code)}/commitments`),
  submitCommitment: (code: string, text: string, dated: string) =>
    json<Commitment>('POST', `/bodies/${enc(code)}/commitments`, { text, dated }),
  /** A page of the body's own certificates in number order; `after` is the `next` of the page before. */
  bodyCertificates: (
    code: string,
    query: { status?: string; numberPrefix?: string; after?: string; pageSize: number },
  ) => {
    const params = new URLSearchParams({ pageSize: String(query.pageSize) });
    if (query.status) params.set('status', query.status);
    if (query.numberPrefix) params.set('numberPrefix', query.numberPrefix);
    if (query.after) params.set('after', query.after);
    return json<KeysetPage<BodyCertificateItem>>('GET', `/bodies/${enc(code)}/certificates?${params}`);
  },
  certificates: (number: string, body: string) =>
    json<{ items: PublicCertificate[] }>('GET', `/certificates?number=${enc(number)}&body=${enc(body)}`),
  changeStatus: (publicId: string, change: { status: string; reason?: string; effectiveDate: string }) =>
    json<PublicCertificate>('POST', `/certificates/${enc(publicId)}/status`, change),

  /**
   * Sends `file` as an upload job `jobId`; `onSent` hears the bytes sent. Resolves with the finished job
   * (201); a rejected atomic upload (422) and every other refusal reject with an ApiError (`job` when the
   * server names it).
   */
  upload(
    file: File,
    options: { mode: string; jobId: string; onSent: (sent: number, total: number) => void },
  ): Promise<UploadJob> {
    const format = formatOf(file) ?? 'csv';
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `/api/v1/uploads?mode=${enc(options.mode)}&fileName=${enc(file.name)}`);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.setRequestHeader('Accept-Language', pageLang());
      xhr.setRequestHeader('Content-Type', CONTENT_TYPES[format] as string);
      xhr.setRequestHeader('Upload-Job-Id', options.jobId);
      const token = session.token();
      if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.upload.addEventListener('progress', (e) =>
        options.onSent(e.loaded, e.lengthComputable ? e.total : file.size),
      );
      xhr.addEventListener('error', () => reject(new ApiError(0, undefined, 'network')));
      xhr.addEventListener('load', () => {
        let payload: unknown = {};
        try {
          payload = JSON.parse(xhr.responseText) as unknown;
        } catch {
          // An answer that is not JSON: its status says enough.
        }
        if (xhr.status === 201) resolve(payload as UploadJob);
        else reject(refused(xhr.status, payload as Problem, xhr.statusText));
      });
      xhr.send(file);
    });
  },
};
