/**
 * Preload (`node --require bench/support/leash.cjs …`) for every process the gateway benchmark starts:
 * 1. pins every `server.listen` to 127.0.0.1, whatever host (or none) the program asked for — Portkey's
 *    gateway listens on all interfaces by default — and kills the process if the bound address is not
 *    127.0.0.1; prints `LOOPBACK_LISTEN <port> (host asked for: …)` on stderr once listening;
 * 2. ends the process when its parent goes away or after BENCH_CHILD_MAX_SECONDS
 *    (default 900), so nothing outlives the run.
 */
'use strict';
/* global process, require, setInterval, setTimeout */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const net = require('node:net');

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function pinnedListen(...args) {
  // Unix sockets and pipes (tsx's IPC, for one) are not network interfaces: leave them alone.
  if (typeof args[0] === 'string' && !/^\d+$/.test(args[0])) return listen.apply(this, args);
  if (typeof args[0] === 'object' && args[0] !== null && typeof args[0].path === 'string')
    return listen.apply(this, args);
  const asked =
    typeof args[0] === 'object' && args[0] !== null
      ? args[0].host
      : typeof args[1] === 'string'
        ? args[1]
        : undefined;
  const callback = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
  let options;
  if (typeof args[0] === 'object' && args[0] !== null && !('_handle' in args[0])) options = { ...args[0] };
  else if (args[0] === undefined || typeof args[0] === 'number' || /^\d+$/.test(String(args[0])))
    options = { port: args[0] === undefined ? 0 : Number(args[0]) };
  else throw new Error(`leash: refusing listen(${String(args[0])}): only TCP ports on 127.0.0.1 are allowed`);
  options.host = '127.0.0.1';
  delete options.ipv6Only;
  this.once('listening', () => {
    const address = this.address();
    if (!address || typeof address !== 'object' || address.address !== '127.0.0.1') {
      process.stderr.write(`leash: bound to ${JSON.stringify(address)}, not 127.0.0.1 — exiting\n`);
      process.exit(70);
    }
    process.stderr.write(
      `LOOPBACK_LISTEN ${address.port} (host asked for: ${asked ?? 'none, i.e. all interfaces'})\n`,
    );
  });
  return callback ? listen.call(this, options, callback) : listen.call(this, options);
};

// The parent's death re-parents us (process.ppid changes): follow it. (Reading process.stdin here
// instead would deadlock with `--import tsx`'s module loader.)
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 500).unref();
const maxSeconds = Number(process.env.BENCH_CHILD_MAX_SECONDS) || 900;
setTimeout(() => {
  process.stderr.write(`leash: ${maxSeconds} s elapsed — exiting\n`);
  process.exit(0);
}, maxSeconds * 1000).unref();
