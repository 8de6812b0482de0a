/**
 * The benchmark's baseline: Express 5 with one JSON route and nothing else, as a child process of
 * lookup.ts. Every portal path is compared with this one, measured in the same run.
 *
 *   HOST=127.0.0.1 PORT=4000 tsx scripts/bench/bare-server.ts   ->  GET /hello  {"hello":"world"}
 */
import express from 'express';

const app = express();
app.get('/hello', (_req, res) => {
  res.json({ hello: 'world' });
});

const server = app.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
