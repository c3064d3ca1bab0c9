/**
 * The gateway on PostgreSQL and Redis, as several instances run side by side: two gateways share one
 * database and one Redis, so a user restricted through one is restricted through the other, and each
 * instance's audit chain verifies.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.js';

const DATABASE_URL = process.env.HEGUI_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.HEGUI_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const schema = `hegui_gw_${randomBytes(4).toString('hex')}`;
const secretKey = randomBytes(32).toString('hex');

let a: TestGateway;
let b: TestGateway;
beforeAll(async () => {
  const shared = { databaseUrl: DATABASE_URL, databaseSchema: schema, redisUrl: REDIS_URL, secretKey };
  a = await startTestGateway(shared);
  b = await startTestGateway(shared);
}, 60_000);
afterAll(async () => {
  await a?.close();
  await b?.close();
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
});

describe('two gateways on PostgreSQL + Redis', () => {
  it('share keys, strikes and incidents, and keep verifiable audit chains', async () => {
    expect(a.gateway.store.dialect).toBe('postgres');
    // A key created through instance a works on instance b.
    const viaB = new (a.client.constructor as typeof import('openai').default)({
      apiKey: a.key,
      baseURL: `${b.gateway.url}/v1`,
      maxRetries: 0,
    });
    const user = `u-${randomBytes(3).toString('hex')}`;
    const ask = (client: typeof viaB, content: string) =>
      client.chat.completions.create({ model: 'fake-model', user, messages: [{ role: 'user', content }] });
    await ask(a.client, '卖冰毒');
    await ask(viaB, '你好');
    await ask(a.client, '卖冰毒');
    await ask(viaB, '你好');
    await ask(viaB, '卖冰毒');
    await expect(ask(a.client, '你好')).rejects.toMatchObject({ status: 429, code: 'user_restricted' });
    await expect(ask(viaB, '你好')).rejects.toMatchObject({ status: 429, code: 'user_restricted' });

    a.upstream.behaviour = { kind: 'stream', deltas: ['正常的开头，', '冰', '毒'] };
    const stream = await a.client.chat.completions.create({
      model: 'fake-model',
      stream: true,
      messages: [{ role: 'user', content: '说' }],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('正常的开头，');
    expect((await b.gateway.store.incidents.list()).length).toBe(1);

    for (const g of [a, b])
      expect(await g.gateway.store.audit.verify({ instanceId: g.gateway.store.instanceId })).toMatchObject({
        ok: true,
      });
    expect(a.gateway.store.instanceId).not.toBe(b.gateway.store.instanceId);
  }, 60_000);
});
