/**
 * An upload sent over a real HTTP request (not supertest), for tests that send a file in pieces, hold it
 * open, or go away mid-file: the caller writes the file's bytes to `req` and ends it (or destroys it).
 * Without `contentLength` the body is chunked: a file of unknown size, stored in a process of its own.
 */
import http from 'node:http';
import type { UploadJob, UploadMode } from '../../server/uploads/upload-schema';
import { unique } from './factories';
import { CONTENT_TYPES } from './upload-files';

/** A fresh job id for a client to propose (22 base64url characters), starting with `prefix`. */
export function newJobId(prefix: string): string {
  return `${prefix}${unique().replace(/[^A-Za-z0-9]/g, '')}`.padEnd(22, '0').slice(0, 22);
}

export interface StreamedUpload<B> {
  req: http.ClientRequest;
  /** The answer, its body parsed as JSON; rejects when the request fails before it is answered. */
  answer: Promise<{ status: number; headers: http.IncomingHttpHeaders; body: B }>;
}

export function streamUpload<B = UploadJob>(options: {
  port: number;
  token: string;
  jobId?: string;
  mode?: UploadMode;
  contentLength?: number;
  /** More of the query string (e.g. `lang=zh`). */
  query?: string;
}): StreamedUpload<B> {
  const headers: http.OutgoingHttpHeaders = {
    Authorization: `Bearer ${options.token}`,
    'Content-Type': CONTENT_TYPES.csv,
  };
  if (options.jobId !== undefined) headers['Upload-Job-Id'] = options.jobId;
  if (options.contentLength !== undefined) headers['Content-Length'] = options.contentLength;
  const req = http.request({
    host: '127.0.0.1',
    port: options.port,
    method: 'POST',
    path: `/api/v1/uploads?mode=${options.mode ?? 'partial'}${options.query ? `&${options.query}` : ''}`,
    headers,
  });
  const answer = new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: B }>(
    (resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: (text ? JSON.parse(text) : undefined) as B,
          }),
        );
      });
      req.on('error', reject);
    },
  );
  // A test that goes away on purpose need not await the answer.
  answer.catch(() => undefined);
  return { req, answer };
}
