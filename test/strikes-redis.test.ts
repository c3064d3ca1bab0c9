/**
 * The strike ladder on Redis (HEGUI_TEST_REDIS_URL, default redis://127.0.0.1:6379). Redis being
 * unreachable fails this file: CI starts Redis, and a skipped suite would hide a broken backend.
 * Every key lives under a prefix unique to this run and is deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStrikeLadder,
  DEFAULT_STRIKE_CONFIG,
  parseStrikeConfig,
  RedisStrikeLadder,
  type StrikeLogger,
} from '../src/governance/strikes/index.js';
import { Clock, defineStrikeSuite } from './strikes-suite.js';

const REDIS_URL = process.env.HEGUI_TEST_REDIS_URL || 'redis://127.0.0.1:6379';
const RUN_PREFIX = `hegui:test:strikes:${randomUUID()}:`;
let ladders = 0;
const nextPrefix = () => `${RUN_PREFIX}${++ladders}:`;

let admin: Redis;

async function keysUnder(prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return found;
}

beforeAll(async () => {
  admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    expect(await admin.ping()).toBe('PONG');
  } catch (err) {
    throw new Error(`Redis is required for this suite and is unreachable at ${REDIS_URL}: ${String(err)}`, {
      cause: err,
    });
  }
});

afterAll(async () => {
  if (admin?.status !== 'ready') return;
  const left = await keysUnder(RUN_PREFIX);
  if (left.length > 0) await admin.del(...left);
  expect(await keysUnder(RUN_PREFIX)).toEqual([]);
  await admin.quit();
});

/** A logger that remembers what it was told. */
function recordingLogger(): StrikeLogger & { warnings: string[]; infos: string[] } {
  const warnings: string[] = [];
  const infos: string[] = [];
  return { warnings, infos, warn: (_o, msg) => warnings.push(msg), info: (_o, msg) => infos.push(msg) };
}

defineStrikeSuite('Redis', (config, clock) =>
  createStrikeLadder(config, { redisUrl: REDIS_URL, keyPrefix: nextPrefix(), now: clock.now }),
);

describe('Redis strike ladder across instances', () => {
  it('is the backend chosen with a Redis URL, and is not degraded', async () => {
    const l = createStrikeLadder(DEFAULT_STRIKE_CONFIG, { redisUrl: REDIS_URL, keyPrefix: nextPrefix() });
    expect(l).toBeInstanceOf(RedisStrikeLadder);
    await l.check('t', 'u');
    expect(l.status()).toEqual({ backend: 'redis', degraded: false, fallbacks: 0, localEntries: 0 });
    await l.close();
  });

  it('two gateway instances sharing Redis agree', async () => {
    const clock = new Clock();
    const prefix = nextPrefix();
    const a = createStrikeLadder(DEFAULT_STRIKE_CONFIG, {
      redisUrl: REDIS_URL,
      keyPrefix: prefix,
      now: clock.now,
    });
    const b = createStrikeLadder(DEFAULT_STRIKE_CONFIG, {
      redisUrl: REDIS_URL,
      keyPrefix: prefix,
      now: clock.now,
    });
    try {
      expect((await a.strike('t', 'u', 'ev-a1')).step?.level).toBe('warn');
      await b.clean('t', 'u');
      expect((await b.strike('t', 'u', 'ev-b1')).step).toBeNull(); // b sees a's strike: already at warn
      await a.clean('t', 'u');
      const third = await b.strike('t', 'u', 'ev-b2');
      expect(third.step).toMatchObject({ level: 'restrict', evidenceRefs: ['ev-a1', 'ev-b1', 'ev-b2'] });
      expect(await a.check('t', 'u')).toMatchObject({
        level: 'restrict',
        strikes: { '1h': 3, consecutive: 1 },
      });
      // a clean on one instance resets the run seen by the other
      await a.clean('t', 'u');
      expect((await b.check('t', 'u')).strikes.consecutive).toBe(0);
      // manual actions reach every instance
      await a.terminate('t', 'u', 'x');
      expect((await b.check('t', 'u')).level).toBe('terminate');
      await b.reinstate('t', 'u', 'y');
      expect((await a.check('t', 'u')).level).toBe('none');
      expect(a.status().fallbacks + b.status().fallbacks).toBe(0);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('concurrent strikes on two instances are counted exactly once each, with one step per level', async () => {
    const clock = new Clock();
    const prefix = nextPrefix();
    const config = parseStrikeConfig({ consecutive: false });
    const a = createStrikeLadder(config, { redisUrl: REDIS_URL, keyPrefix: prefix, now: clock.now });
    const b = createStrikeLadder(config, { redisUrl: REDIS_URL, keyPrefix: prefix, now: clock.now });
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).strike('t', 'u', `ev-${i}`)),
      );
      const steps = results.flatMap((r) => (r.step ? [r.step.level] : [])).sort();
      expect(steps).toEqual(['restrict', 'suspend', 'warn']);
      const counts = results.map((r) => r.standing.strikes['24h']).sort((x, y) => x! - y!);
      expect(counts).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect((await a.check('t', 'u')).level).toBe('suspend');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('loses no strike when instance clocks disagree', async () => {
    const prefix = nextPrefix();
    const config = parseStrikeConfig({
      consecutive: false,
      windows: [{ within: '1h', count: 100, level: 'restrict', for: '1h' }],
    });
    const ahead = new Clock(1_800_000_005_000);
    const behind = new Clock(1_800_000_000_000);
    const a = createStrikeLadder(config, { redisUrl: REDIS_URL, keyPrefix: prefix, now: ahead.now });
    const b = createStrikeLadder(config, { redisUrl: REDIS_URL, keyPrefix: prefix, now: behind.now });
    try {
      for (let i = 0; i < 6; i++) {
        await (i % 2 === 0 ? a : b).strike('t', 'u', null);
        ahead.advance(1000);
        behind.advance(1000);
      }
      expect(await admin.zcard(`${prefix}{tt:u}:z`)).toBe(6);
      expect((await a.check('t', 'u')).strikes['1h']).toBe(6);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('expires sanctions in real time, and keys carry TTLs', async () => {
    const prefix = nextPrefix();
    const config = parseStrikeConfig({
      consecutive: false,
      windows: [{ within: '1s', count: 2, level: 'restrict', for: '700ms' }],
    });
    const l = createStrikeLadder(config, { redisUrl: REDIS_URL, keyPrefix: prefix });
    try {
      await l.strike('t', 'u', 'a');
      const r = await l.strike('t', 'u', 'b');
      expect(r.standing.level).toBe('restrict');
      const keys = (await keysUnder(prefix)).sort();
      expect(keys.map((k) => k.slice(-2))).toEqual([':n', ':x', ':z']); // no run key: the consecutive rule is off
      for (const key of keys) {
        const ttl = await admin.pttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(1000);
      }
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await l.check('t', 'u')).toMatchObject({ level: 'none', strikes: { '1s': 0 } });
      expect(await keysUnder(prefix)).toEqual([]);
    } finally {
      await l.close();
    }
  });
});

describe('Redis and in-process ladders agree', () => {
  const configs = [
    DEFAULT_STRIKE_CONFIG,
    parseStrikeConfig({
      warnAt: 2,
      windows: [
        { within: '10m', count: 3, level: 'suspend', for: '30m' },
        { within: '5m', count: 2, level: 'restrict', for: '20m' },
        { within: '1h', count: 4, level: 'restrict', for: '2h' },
      ],
      consecutive: { count: 4, level: 'restrict', for: '1h', expireAfter: '15m' },
    }),
  ];
  const op = fc.oneof(
    fc.record({
      kind: fc.constant('strike' as const),
      user: fc.constantFrom('u1', 'u2'),
      ref: fc.option(fc.string()),
    }),
    fc.record({ kind: fc.constant('clean' as const), user: fc.constantFrom('u1', 'u2') }),
    fc.record({ kind: fc.constant('check' as const), user: fc.constantFrom('u1', 'u2') }),
    fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.constantFrom(1, 59_999, 60_000, 5 * 60_000, 15 * 60_000, 3_600_000, 86_400_000),
    }),
  );

  it.each(configs.map((c, i) => [i, c] as const))(
    'on random sequences of strikes, cleans, checks and waits (config %i)',
    async (_i, config) => {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
          const clock = new Clock();
          const memory = createStrikeLadder(config, { now: clock.now });
          const redis = createStrikeLadder(config, {
            redisUrl: REDIS_URL,
            keyPrefix: nextPrefix(),
            now: clock.now,
          });
          try {
            for (const o of ops) {
              if (o.kind === 'advance') {
                clock.advance(o.ms);
              } else if (o.kind === 'strike') {
                expect(await redis.strike('t', o.user, o.ref)).toEqual(
                  await memory.strike('t', o.user, o.ref),
                );
              } else if (o.kind === 'clean') {
                await Promise.all([memory.clean('t', o.user), redis.clean('t', o.user)]);
              } else {
                expect(await redis.check('t', o.user)).toEqual(await memory.check('t', o.user));
              }
            }
            expect(redis.status().fallbacks).toBe(0);
          } finally {
            await Promise.all([memory.close(), redis.close()]);
          }
        }),
        { numRuns: 60 },
      );
    },
  );
});

describe('Redis strike ladder when Redis is down', () => {
  it('falls back to the in-process ladder without throwing, and warns once', async () => {
    const logger = recordingLogger();
    const fallbacks: string[] = [];
    const clock = new Clock();
    const l = createStrikeLadder(DEFAULT_STRIKE_CONFIG, {
      redisUrl: 'redis://127.0.0.1:1', // nothing listens on port 1
      keyPrefix: nextPrefix(),
      now: clock.now,
      connectTimeoutMs: 500,
      logger,
      onFallback: (op) => fallbacks.push(op),
    });
    try {
      expect((await l.check('t', 'u')).level).toBe('none');
      expect((await l.strike('t', 'u', 'a')).step?.level).toBe('warn');
      await l.strike('t', 'u', 'b');
      const third = await l.strike('t', 'u', 'c');
      expect(third.step).toMatchObject({ level: 'suspend', evidenceRefs: ['a', 'b', 'c'] });
      expect((await l.check('t', 'u')).level).toBe('suspend');
      await l.clean('t', 'u');
      expect(l.status()).toMatchObject({ backend: 'redis', degraded: true, fallbacks: 6, localEntries: 1 });
      expect(fallbacks).toEqual(['check', 'strike', 'strike', 'strike', 'check', 'clean']);
      expect(logger.warnings).toHaveLength(1);
      // manual decisions must reach every instance: refused, not silently local
      await expect(l.terminate('t', 'u', 'x')).rejects.toMatchObject({
        name: 'HeguiError',
        where: 'strikes',
      });
      await expect(l.reinstate('t', 'u', 'x')).rejects.toThrow(/Redis is unreachable/);
      expect((await l.check('t', 'u')).level).toBe('suspend');
    } finally {
      await l.close();
    }
  });

  it('degrades when Redis goes away mid-run and recovers when it returns, keeping local sanctions', async () => {
    const proxy = new TcpProxy(new URL(REDIS_URL));
    const proxied = await proxy.start();
    const logger = recordingLogger();
    const clock = new Clock();
    const prefix = nextPrefix();
    const l = createStrikeLadder(DEFAULT_STRIKE_CONFIG, {
      redisUrl: proxied,
      keyPrefix: prefix,
      now: clock.now,
      logger,
    });
    const other = createStrikeLadder(DEFAULT_STRIKE_CONFIG, {
      redisUrl: REDIS_URL,
      keyPrefix: prefix,
      now: clock.now,
    });
    try {
      await l.strike('t', 'u', 'shared-1');
      expect(l.status()).toMatchObject({ degraded: false, fallbacks: 0 });

      await proxy.stop(); // Redis "goes down": every connection cut, none accepted
      await sleep(50);
      await l.strike('t', 'v', 'local-1');
      await l.strike('t', 'v', 'local-2');
      const suspended = await l.strike('t', 'v', 'local-3');
      expect(suspended.step?.level).toBe('suspend');
      expect(l.status()).toMatchObject({ degraded: true, fallbacks: 3 });
      expect(logger.warnings).toHaveLength(1);

      // Redis returns on the same port; the client reconnects by itself
      await proxy.start();
      const deadline = Date.now() + 5000;
      while (!(l as RedisStrikeLadder).isConnected() && Date.now() < deadline) {
        await sleep(50);
      }
      // shared state is used again (the strike made before the outage is there) …
      expect((await l.check('t', 'u')).strikes['1h']).toBe(1);
      expect(l.status().degraded).toBe(false);
      expect(logger.infos).toHaveLength(1);
      // … and the suspension imposed during the outage still applies on this instance
      expect((await l.check('t', 'v')).level).toBe('suspend');
      // the other instance never saw it (documented limitation)
      expect((await other.check('t', 'v')).level).toBe('none');
    } finally {
      await Promise.all([l.close(), other.close()]);
      await proxy.stop();
    }
  });

  it('a hung Redis costs one command timeout, then calls go local until the bypass ends', async () => {
    const proxy = new TcpProxy(new URL(REDIS_URL));
    const proxied = await proxy.start();
    const clock = new Clock();
    const logger = recordingLogger();
    const l = createStrikeLadder(DEFAULT_STRIKE_CONFIG, {
      redisUrl: proxied,
      keyPrefix: nextPrefix(),
      now: clock.now,
      commandTimeoutMs: 150,
      bypassMs: 400,
      logger,
    });
    try {
      await l.strike('t', 'u', 'a');
      await l.clean('t', 'u');
      proxy.freeze(); // connected, but nothing answers
      let started = Date.now();
      expect((await l.check('t', 'u')).level).toBe('none'); // local ladder: knows nothing of 'a'
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      started = Date.now();
      const r = await l.strike('t', 'u', 'b');
      expect(Date.now() - started).toBeLessThan(100);
      expect(r.step?.level).toBe('warn');
      expect(l.status()).toMatchObject({ degraded: true, fallbacks: 2 });
      expect(logger.warnings).toHaveLength(1);
      proxy.thaw();
      await sleep(450);
      const shared = await l.check('t', 'u');
      expect(shared.strikes['1h']).toBe(1); // Redis's view: only the strike made before the hang
      expect(l.status()).toMatchObject({ degraded: false, fallbacks: 2 });
    } finally {
      await l.close();
      await proxy.stop();
    }
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP relay to Redis on a fixed loopback port that the test can cut (stop) or make unresponsive (freeze). */
class TcpProxy {
  private server: net.Server | null = null;
  private port = 0;
  private readonly sockets = new Set<net.Socket>();
  private frozen = false;
  private readonly held: (() => void)[] = [];

  constructor(private readonly target: URL) {}

  /** Listen (on the same port as before, after a stop) and return the Redis URL to use. */
  async start(): Promise<string> {
    const server = net.createServer((client) => {
      const upstream = net.connect(Number(this.target.port || 6379), this.target.hostname);
      this.relay(client, upstream);
      this.relay(upstream, client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    const url = new URL(this.target.toString());
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
    for (const send of this.held.splice(0)) send();
  }

  private relay(from: net.Socket, to: net.Socket): void {
    this.sockets.add(from);
    from.on('close', () => {
      this.sockets.delete(from);
      to.destroy();
    });
    from.on('error', () => undefined);
    from.on('data', (chunk) => {
      const send = () => {
        if (!to.destroyed) to.write(chunk);
      };
      if (this.frozen) this.held.push(send);
      else send();
    });
  }
}
