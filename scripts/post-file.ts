/**
 * Streams a file as the body of a POST (the upload and auditor-register CLIs): resolves with the HTTP
 * status and the parsed JSON answer (or the first 500 characters of a non-JSON one), reporting the bytes
 * sent as it goes.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';

export function postFile(
  url: URL,
  file: string,
  headers: Record<string, string>,
  onSent: (bytes: number) => void,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const size = fs.statSync(file).size;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = client.request(
      url,
      { method: 'POST', headers: { ...headers, 'Content-Length': size } },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
          } catch {
            resolve({ status: res.statusCode ?? 0, body: { detail: text.slice(0, 500) } });
          }
        });
        res.on('error', reject);
      },
    );
    // A server that refuses the file part-way answers, then closes while we are still sending.
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
    });
    const stream = fs.createReadStream(file);
    // A connection reset before any answer (those errors are let pass above) must not leave us waiting.
    req.on('close', () => {
      stream.destroy();
      if (!answered) reject(new Error('the server closed the connection before it answered'));
    });
    stream.on('data', () => onSent(stream.bytesRead));
    stream.on('error', reject);
    stream.pipe(req);
  });
}
