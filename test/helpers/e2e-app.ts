/**
 * The real app listening on a free port of 127.0.0.1 for a browser, with PUBLIC_BASE_URL set to that
 * very address (the QR URLs and the "another host" check depend on it). The port is known only once
 * the server listens, so the server listens first and the app is attached to it right after.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from './test-app';

export interface E2eApp {
  t: TestApp;
  baseUrl: string;
  close(): Promise<void>;
}

export async function startE2eApp(env: Record<string, string> = {}): Promise<E2eApp> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const t = createTestApp({ env: { PUBLIC_BASE_URL: baseUrl, ...env } });
  server.on('request', t.app);
  return {
    t,
    baseUrl,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.close();
    },
  };
}
