/**
 * The benchmark's baseline: a bare pass-through proxy (node:http server + one undici Pool to the
 * upstream), no auth, no parsing, no checks. `node --require bench/support/leash.cjs --import tsx
 * bench/support/bare-proxy.ts <upstream origin>`; listens on 127.0.0.1 on a free port (leash prints it).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'undici';

const origin = process.argv[2];
if (!origin) throw new Error('usage: bare-proxy.ts <upstream origin>');
const pool = new Pool(origin, { connections: 64, pipelining: 1 });

const HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'host',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
]);

function forwardable(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>) {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP.has(name)) out[name] = value;
  }
  return out;
}

const server = createServer((req, res) => {
  pool
    .request({
      method: req.method as 'POST',
      path: req.url ?? '/',
      headers: forwardable(req.headers),
      body: req.method === 'GET' || req.method === 'HEAD' ? null : req,
    })
    .then(async (upstream) => {
      res.writeHead(upstream.statusCode, forwardable(upstream.headers));
      await pipeline(upstream.body, res);
    })
    .catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: (err as Error).message, type: 'bad_gateway' } }));
      } else res.destroy();
    });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1');
