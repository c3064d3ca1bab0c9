/** Starts a real gateway (SQLite in a temp dir, or PostgreSQL) in front of a FakeUpstream. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { loadGatewayConfig } from '../../src/gateway/config.js';
import { startGateway, type RunningGateway } from '../../src/gateway/server.js';
import { FakeUpstream } from './fake-upstream.js';

export interface TestGateway {
  gateway: RunningGateway;
  upstream: FakeUpstream;
  key: string;
  client: OpenAI;
  close(): Promise<void>;
}

export async function startTestGateway(overrides: Record<string, unknown> = {}): Promise<TestGateway> {
  const upstream = await new FakeUpstream().start();
  const config = loadGatewayConfig(
    {},
    {
      port: 0,
      logLevel: 'silent',
      dataDir: mkdtempSync(join(tmpdir(), 'hegui-gw-')),
      upstreams: [
        { name: 'fake', url: upstream.url, models: ['*'], headersTimeoutMs: 800, bodyTimeoutMs: 800 },
      ],
      ...overrides,
    },
  );
  const gateway = await startGateway(config, { defaultMetrics: false });
  const { key } = await gateway.store.keys.create('acme');
  const client = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0, timeout: 10_000 });
  return {
    gateway,
    upstream,
    key,
    client,
    async close() {
      await gateway.close();
      await upstream.close();
    },
  };
}
