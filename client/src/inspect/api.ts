/**
 * The console's calls to the API, with the inspector's bearer token. The token lives in sessionStorage
 * only (this tab, until sign-out or the tab closes): never in a URL, a cookie or localStorage.
 */
import type { PublicCertificate } from '../../../server/certificates/certificate-schema';
import type { Inspector } from '../../../server/inspectors/inspector-schema';
import { pageLang } from '../page-lang';
import type {
  Attachment,
  Body,
  Case,
  CaseAction,
  CaseView,
  Flag,
  Page,
  RuleTitle,
  SignalView,
  Tip,
} from './types';

const TOKEN_KEY = 'certwatch.inspect.token';

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
  ) {
    super(message);
  }
}

/** Called when the server refuses the token (401): the console signs out. */
let onUnauthenticated: () => void = () => undefined;
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

async function call(method: string, path: string, body?: unknown): Promise<Response> {
  // Refusals come back in the page's language (the server negotiates on Accept-Language).
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': pageLang() };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  // A file goes as its bytes (the server reads its type from them); anything else as JSON.
  const file = body instanceof Blob;
  if (body !== undefined) headers['Content-Type'] = file ? 'application/octet-stream' : 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : file ? body : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, undefined, 'network');
  }
  if (res.ok) return res;
  const problem = (await res.json().catch(() => ({}))) as {
    code?: string;
    detail?: string;
    errors?: { field: string; message: string }[];
  };
  if (res.status === 401) onUnauthenticated();
  throw new ApiError(res.status, problem.code, problem.detail ?? res.statusText, problem.errors);
}

async function json<T>(method: string, path: string, body?: unknown): Promise<T> {
  return (await (await call(method, path, body)).json()) as T;
}

/** A query string of the given values (empty ones left out). */
function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const qs = search.toString();
  return qs ? `?${qs}` : '';
}

const id = (value: string) => encodeURIComponent(value);

/** The queue's lists are read a page of this size at a time (the API's largest). */
export const QUEUE_PAGE_SIZE = 100;

export const api = {
  inspectors: () => json<{ items: Inspector[] }>('GET', '/inspectors?active=true'),
  tips: (state: string) => json<Page<Tip>>('GET', `/tips${query({ state, pageSize: QUEUE_PAGE_SIZE })}`),
  tip: (tipId: string) => json<Tip>('GET', `/tips/${id(tipId)}`),
  tipPhoto: async (tipId: string) => (await call('GET', `/tips/${id(tipId)}/photo`)).blob(),
  dismissTip: (tipId: string, reason: string) =>
    json<Tip>('POST', `/tips/${id(tipId)}/dismissal`, { reason }),
  rules: () => json<{ items: RuleTitle[] }>('GET', '/signals/rules'),
  bodies: () => json<{ items: Body[] }>('GET', '/bodies'),
  signals: (filter: { state: string; severity?: string; ruleId?: string; bodyCode?: string }) =>
    json<Page<SignalView>>('GET', `/signals${query({ ...filter, pageSize: QUEUE_PAGE_SIZE })}`),
  signal: (signalId: string) => json<SignalView>('GET', `/signals/${id(signalId)}`),
  setSignalState: (signalId: string, state: 'open' | 'dismissed', note: string) =>
    json<SignalView>('PATCH', `/signals/${id(signalId)}`, { state, note }),
  flags: (state: string) => json<Page<Flag>>('GET', `/flags${query({ state, pageSize: QUEUE_PAGE_SIZE })}`),
  flag: (publicId: string, reason: string) => json<Flag>('POST', '/flags', { publicId, reason }),
  cases: (state: string) => json<Page<Case>>('GET', `/cases${query({ state, pageSize: QUEUE_PAGE_SIZE })}`),
  case: (caseId: string) => json<CaseView>('GET', `/cases/${id(caseId)}`),
  openCase: (input: {
    title: string;
    summary?: string;
    assignee?: string;
    tipIds: string[];
    signalIds: string[];
    flagIds: string[];
    publicIds: string[];
  }) => json<CaseView>('POST', '/cases', input),
  act: (caseId: string, action: CaseAction) => json<CaseView>('PATCH', `/cases/${id(caseId)}`, action),
  attach: (caseId: string, file: File) =>
    json<Attachment>('POST', `/cases/${id(caseId)}/attachments${query({ name: file.name })}`, file),
  attachment: async (caseId: string, attachmentId: string) =>
    (await call('GET', `/cases/${id(caseId)}/attachments/${id(attachmentId)}`)).blob(),
  /** The public record of a certificate (no token needed; sent anyway, harmlessly). */
  certificate: (publicId: string) => json<PublicCertificate>('GET', `/certificates/${id(publicId)}`),
};
