/** `hegui serve`: the OpenAI-compatible gateway. */
import type { Command } from 'commander';
import { ENVIRONMENT, loadGatewayConfig } from '../gateway/config.js';
import { startGateway } from '../gateway/server.js';
import { EXIT_ALLOW } from './errors.js';

interface ServeOptions {
  config?: string;
  host?: string;
  port?: string;
  upstream?: string;
  policy?: string;
  dataDir?: string;
  databaseUrl?: string;
  redisUrl?: string;
}

export function registerServe(program: Command, run: (work: () => Promise<number>) => void): void {
  const envHelp = ENVIRONMENT.map((e) => `  ${e.name.padEnd(24)} ${e.help}`).join('\n');
  program
    .command('serve')
    .description('run the OpenAI-compatible compliance gateway / 启动合规网关')
    .option('-c, --config <file>', 'YAML configuration (HEGUI_CONFIG)')
    .option('--host <host>', 'address to listen on (HEGUI_HOST, default 127.0.0.1)')
    .option('--port <port>', 'port (HEGUI_PORT, default 8787)')
    .option(
      '--upstream <url>',
      'default upstream base URL, e.g. http://127.0.0.1:11434/v1 (HEGUI_UPSTREAM_URL)',
    )
    .option('--policy <file>', 'default policy YAML (HEGUI_POLICY)')
    .option('--data-dir <dir>', 'data folder (HEGUI_DATA_DIR, default ./data)')
    .option('--database-url <url>', 'postgres://… instead of SQLite (HEGUI_DATABASE_URL)')
    .option('--redis-url <url>', 'redis://… for shared strike counters (HEGUI_REDIS_URL)')
    .addHelpText(
      'after',
      `\nEnvironment variables (override the YAML file; options override both):\n${envHelp}\n`,
    )
    .action((options: ServeOptions) => run(() => serve(options)));
}

async function serve(options: ServeOptions): Promise<number> {
  const env = { ...process.env };
  if (options.upstream) {
    env.HEGUI_UPSTREAM_URL = options.upstream;
  }
  const config = loadGatewayConfig(
    env,
    {
      host: options.host,
      port: options.port === undefined ? undefined : Number(options.port),
      policy: options.policy,
      dataDir: options.dataDir,
      databaseUrl: options.databaseUrl,
      redisUrl: options.redisUrl,
    },
    options.config ?? env.HEGUI_CONFIG,
  );
  const gateway = await startGateway(config);
  if (gateway.secretCreated) {
    process.stderr.write(
      `hegui: warning: generated a new secret key in ${config.dataDir}/secret.key — back it up; evidence is unreadable without it\n`,
    );
  }
  if ((await gateway.store.keys.list()).length === 0) {
    // First start: give the newcomer a key to call the gateway with (shown once, stored only hashed).
    const { key } = await gateway.store.keys.create('default', { name: 'first key' });
    process.stderr.write(
      `hegui: created the first API key (tenant "default"), shown only now:\n\n    ${key}\n\n`,
    );
  }
  process.stderr.write(
    `hegui: gateway listening on ${gateway.url} (${gateway.store.dialect}, ${config.upstreams.length} upstream(s))\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.stderr.write('hegui: shutting down\n');
      gateway.close().finally(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return EXIT_ALLOW;
}
