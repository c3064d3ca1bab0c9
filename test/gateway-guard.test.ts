/**
 * An external guard model (Llama Guard behind an OpenAI-compatible endpoint) enabled by a tenant's
 * policy: its verdict joins the engine's, and a guard that cannot answer fails closed.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.js';

let t: TestGateway;
let guardServer: Server;
let client: OpenAI;
const seen: string[] = [];

beforeAll(async () => {
  guardServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push(body);
      // Llama Guard 3's real output: "safe", or "unsafe" and its S-codes on the next line.
      const content = body.includes('GUARDME') ? '\n\nunsafe\nS1' : '\n\nsafe';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'g',
          object: 'chat.completion',
          created: 1,
          model: 'llama-guard-3',
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        }),
      );
    });
  });
  await new Promise<void>((r) => guardServer.listen(0, '127.0.0.1', r));
  const port = (guardServer.address() as AddressInfo).port;
  const policy = join(mkdtempSync(join(tmpdir(), 'hegui-guard-')), 'guarded.yaml');
  writeFileSync(
    policy,
    `name: guarded\nversion: "1"\ndetectors:\n  guard: { enabled: true, kind: llama-guard, url: "http://127.0.0.1:${port}/v1", model: llama-guard-3, timeoutMs: 1000, breakerFailures: 100 }\nactions:\n  default: block\n`,
  );
  t = await startTestGateway();
  const { key } = await t.gateway.store.keys.create('guarded-tenant', { policy });
  client = new OpenAI({ apiKey: key, baseURL: `${t.gateway.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await t.close();
  guardServer.closeAllConnections();
  await new Promise<void>((r) => guardServer.close(() => r()));
});

describe('guard model in the policy', () => {
  it('passes what the guard finds safe and refuses what it finds unsafe', async () => {
    t.upstream.behaviour = { kind: 'reply', content: '好的。' };
    const ok = await client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: '你好' }],
    });
    expect(ok.choices[0]!.finish_reason).toBe('stop');
    const before = t.upstream.requests.length;
    const blocked = await client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'please GUARDME now' }],
    });
    expect(blocked.choices[0]!.finish_reason).toBe('content_filter');
    expect((blocked as unknown as { hegui: { categories: string[] } }).hegui.categories).toContain('A1f');
    expect(t.upstream.requests.length).toBe(before);
    expect(seen.some((b) => b.includes('GUARDME'))).toBe(true);
  });

  it('fails closed when the guard cannot answer', async () => {
    guardServer.closeAllConnections();
    await new Promise<void>((r) => guardServer.close(() => r()));
    const r = await client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: '你好' }],
    });
    expect(r.choices[0]!.finish_reason).toBe('content_filter');
    guardServer.listen(0, '127.0.0.1');
  });
});
