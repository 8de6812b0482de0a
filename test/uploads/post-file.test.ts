/**
 * The CLIs' file upload (scripts/post-file.ts) against a real server on 127.0.0.1: whatever the server
 * does with the connection, the upload ends with an answer or an error, never waits for ever.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { postFile } from '../../scripts/post-file';
import { tempDir } from '../helpers/test-app';

let dir: string;
beforeAll(() => {
  dir = tempDir('certwatch-post-file-');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function serve(handler: http.RequestListener): Promise<{ url: URL; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/upload`),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

test('when the server refuses the file before reading it, then the answer comes back', async () => {
  const file = path.join(dir, 'big.csv');
  fs.writeFileSync(file, Buffer.alloc(2_000_000, 97));
  const server = await serve((_req, res) => {
    res.writeHead(429, { 'Content-Type': 'application/json', Connection: 'close' });
    res.end(JSON.stringify({ code: 'UPLOAD_BODY_BUSY' }));
  });
  try {
    await expect(postFile(server.url, file, {}, () => undefined)).resolves.toEqual({
      status: 429,
      body: { code: 'UPLOAD_BODY_BUSY' },
    });
  } finally {
    await server.close();
  }
});

test('when the server drops the connection without answering, then the upload fails with a clear error', async () => {
  const file = path.join(dir, 'small.csv');
  fs.writeFileSync(file, 'number\n1\n');
  const server = await serve((req) => req.socket.destroy());
  try {
    await expect(postFile(server.url, file, {}, () => undefined)).rejects.toThrow(
      'the server closed the connection before it answered',
    );
  } finally {
    await server.close();
  }
});
