/**
 * Starting the gateway: open the store (migrations), load the secret, the strike ladder, the
 * upstreams and the default policy (compiled up front so a broken policy stops start-up, not the
 * first request), then listen.
 */
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { HeguiError } from '../engine/errors.js';
import { createStrikeLadder, parseStrikeConfig, type StrikeLadder } from '../governance/strikes/index.js';
import { loadOrCreateSecret, openStore, type Store } from '../store/index.js';
import { buildGateway } from './app.js';
import type { GatewayConfig } from './config.js';
import { Labeler } from './labeling.js';
import { GatewayMetrics } from './metrics.js';
import { ModeratorRegistry } from './moderation.js';
import { UpstreamRouter } from './upstream.js';

export interface RunningGateway {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly strikes: StrikeLadder;
  /** `http://host:port` actually bound (port 0 picks a free one). */
  readonly url: string;
  readonly secretCreated: boolean;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Skip prom-client's process metrics (tests start many gateways in one process). */
  defaultMetrics?: boolean;
}

export async function startGateway(
  config: GatewayConfig,
  options: StartOptions = {},
): Promise<RunningGateway> {
  if (config.upstreams.length === 0) {
    throw new HeguiError(
      'config_invalid',
      'no upstream model configured: set HEGUI_UPSTREAM_URL or `upstreams:` in the config',
      'upstreams',
    );
  }
  const { key: secret, created } = await loadOrCreateSecret(config.dataDir, config.secretKey ?? undefined);
  const strikeConfig = parseStrikeConfig(config.strikes ?? {});
  const moderators = new ModeratorRegistry(config.policy, config.keywords, secret.toString('hex'));
  moderators.get(null);
  const store = await openStore({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl ?? undefined,
    schema: config.databaseSchema ?? undefined,
    secretKey: secret,
  });
  const metrics = new GatewayMetrics(options.defaultMetrics ?? true);
  const logger = pino({ level: config.logLevel, redact: ['req.headers.authorization'] });
  const strikes = createStrikeLadder(strikeConfig, {
    redisUrl: config.redisUrl ?? undefined,
    logger,
    // Redis down: limits degrade to this instance; counted so operators see it.
    onFallback: (operation) => metrics.strikeFallbacks.inc({ operation }),
  });
  const upstreams = new UpstreamRouter(config.upstreams);
  const labeler = new Labeler(config.labeling);
  const app = await buildGateway({
    config,
    store,
    strikes,
    secret,
    moderators,
    upstreams,
    metrics,
    logger,
    labeler,
  });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await Promise.allSettled([store.close(), strikes.close(), upstreams.close()]);
    throw new HeguiError(
      'config_invalid',
      `cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`,
      'port',
      { cause: err },
    );
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    app,
    store,
    strikes,
    url: `http://${host}:${port}`,
    secretCreated: created,
    async close() {
      await app.close();
      await Promise.allSettled([upstreams.close(), strikes.close(), moderators.close()]);
      await store.close();
    },
  };
}
