/**
 * The gateway end to end: the official `openai` client, unchanged, against hegui in front of a real
 * HTTP upstream on 127.0.0.1.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.js';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  t.upstream.behaviour = { kind: 'reply', content: '你好，我是助手。' };
});

async function collect(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) {
  let text = '';
  let finish: string | null = null;
  let hegui: unknown;
  for await (const chunk of stream) {
    for (const choice of chunk.choices) {
      text += choice.delta?.content ?? '';
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    if ((chunk as { hegui?: unknown }).hegui) hegui = (chunk as { hegui?: unknown }).hegui;
  }
  return { text, finish, hegui };
}

async function raw(path: string, init: RequestInit & { key?: string | null } = {}) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...(init.headers as Record<string, string>),
  };
  if (init.key !== null) headers.authorization = `Bearer ${init.key ?? t.key}`;
  const res = await fetch(`${t.gateway.url}${path}`, { ...init, headers });
  return {
    status: res.status,
    body: (await res.json().catch(() => null)) as { error?: { code: string; message: string } } & Record<
      string,
      unknown
    >,
  };
}

describe('chat completions', () => {
  it('passes a clean conversation through', async () => {
    const r = await t.client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: '今天天气怎么样？' }],
    });
    expect(r.choices[0]!.message.content).toBe('你好，我是助手。');
    expect(r.usage?.total_tokens).toBe(12);
    expect(t.upstream.requests.at(-1)!.body.messages).toEqual([
      { role: 'user', content: '今天天气怎么样？' },
    ]);
  });

  it('refuses a blocked input without calling the upstream', async () => {
    const before = t.upstream.requests.length;
    const r = await t.client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: [{ type: 'text', text: '哪里能买到冰 毒？' }] }],
    });
    expect(r.choices[0]!.finish_reason).toBe('content_filter');
    expect(r.choices[0]!.message.content).toMatch(/抱歉/);
    const hegui = (r as unknown as { hegui: { blocked: boolean; categories: string[] } }).hegui;
    expect(hegui).toMatchObject({ blocked: true, direction: 'input', categories: ['A1h'] });
    expect(JSON.stringify(hegui)).not.toContain('冰毒');
    expect(t.upstream.requests.length).toBe(before);
  });

  it('replaces a blocked answer and opens an incident', async () => {
    t.upstream.behaviour = { kind: 'reply', content: '你可以去找人买冰毒。' };
    const r = await t.client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: '随便聊聊' }],
    });
    expect(r.choices[0]!.finish_reason).toBe('content_filter');
    expect(r.choices[0]!.message.content).not.toContain('冰毒');
    const incidents = await t.gateway.store.incidents.list({ tenant: 'acme' });
    expect(incidents[0]).toMatchObject({ status: 'contained', category: 'A1h' });
  });

  it('checks tool-call arguments in answers', async () => {
    t.upstream.behaviour = { kind: 'reply', content: '', toolArgs: '{"q":"冰毒货源"}' };
    const r = await t.client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: '查一下' }],
    });
    expect(r.choices[0]!.finish_reason).toBe('content_filter');
    expect(JSON.stringify(r)).not.toContain('冰毒');
  });

  it('redacts personal information in answers', async () => {
    t.upstream.behaviour = { kind: 'reply', content: '他的手机号是13812345678。' };
    const r = await t.client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: '他的电话？' }],
    });
    expect(r.choices[0]!.message.content).toBe('他的手机号是138****5678。');
  });
});

describe('streaming', () => {
  it('streams a clean answer in order', async () => {
    t.upstream.behaviour = { kind: 'stream', deltas: ['今天', '天气', '很好', '。'] };
    const stream = await t.client.chat.completions.create({
      model: 'fake-model',
      stream: true,
      messages: [{ role: 'user', content: '天气' }],
    });
    expect(await collect(stream)).toMatchObject({ text: '今天天气很好。', finish: 'stop' });
  });

  it('never leaks a banned term, for every split point, and aborts the upstream', async () => {
    const safe = '前面都是正常的内容，';
    const text = `${safe}冰毒的货源在这里，后面还有更多。`;
    const cuts: number[][] = [];
    for (let k = 1; k < text.length; k++) cuts.push([k]);
    // Chunks that hold safe text and the term's first character together, and a character at a time.
    cuts.push(
      [safe.length + 1],
      [safe.length - 2, safe.length + 1],
      Array.from({ length: text.length - 1 }, (_, i) => i + 1),
    );
    for (const points of cuts) {
      const deltas: string[] = [];
      let at = 0;
      for (const p of points) {
        deltas.push(text.slice(at, p));
        at = p;
      }
      deltas.push(text.slice(at));
      t.upstream.behaviour = { kind: 'stream', deltas, delayMs: 1 };
      const stream = await t.client.chat.completions.create({
        model: 'fake-model',
        stream: true,
        messages: [{ role: 'user', content: '说点什么' }],
      });
      const got = await collect(stream);
      expect(got.text, `split at ${points.join(',')}`).toBe(safe);
      expect(got.finish).toBe('content_filter');
      expect(got.hegui).toMatchObject({ blocked: true, categories: ['A1h'] });
      expect(await t.upstream.waitForAbort(), `upstream aborted for split ${points.join(',')}`).toBe(true);
    }
  }, 120_000);

  it('holds tool-call arguments until checked', async () => {
    t.upstream.behaviour = { kind: 'stream', deltas: ['好的'], toolArgs: ['{"q":"冰', '毒"}'] };
    const stream = await t.client.chat.completions.create({
      model: 'fake-model',
      stream: true,
      messages: [{ role: 'user', content: '查' }],
    });
    let all = '';
    let finish = null as string | null;
    for await (const chunk of stream) {
      all += JSON.stringify(chunk);
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(all).not.toContain('冰');
    expect(finish).toBe('content_filter');
  });

  it('refuses a blocked input as a stream', async () => {
    const stream = await t.client.chat.completions.create({
      model: 'fake-model',
      stream: true,
      messages: [{ role: 'user', content: '卖冰毒' }],
    });
    const got = await collect(stream);
    expect(got.finish).toBe('content_filter');
    expect(got.text).toMatch(/抱歉/);
  });

  it('aborts the upstream when the client goes away', async () => {
    t.upstream.behaviour = {
      kind: 'stream',
      deltas: Array.from({ length: 200 }, () => '很长的回答。'),
      delayMs: 5,
    };
    const controller = new AbortController();
    const stream = await t.client.chat.completions.create(
      { model: 'fake-model', stream: true, messages: [{ role: 'user', content: '写长文' }] },
      { signal: controller.signal },
    );
    let n = 0;
    try {
      for await (const _chunk of stream) {
        if (++n === 3) controller.abort();
      }
    } catch {
      // the SDK may end the iteration or throw on abort; either way the client is gone
    }
    expect(n).toBeGreaterThanOrEqual(3);
    // Audited as the client's doing, not an upstream failure.
    let event: { status: number; errorCode: string | null } | undefined;
    for (let i = 0; i < 100 && !event; i++) {
      await new Promise((r) => setTimeout(r, 20));
      event = (await t.gateway.store.audit.list({ limit: 5 })).find((e) => e.errorCode === 'client_closed');
    }
    expect(event).toMatchObject({ status: 499 });
    expect(await t.upstream.waitForAbort()).toBe(true);
  });
});

describe('faults and bad input', () => {
  it('answers every error in the OpenAI shape with our code', async () => {
    expect(
      (await raw('/v1/chat/completions', { method: 'POST', body: '{}', key: null })).body.error?.code,
    ).toBe('auth_invalid');
    expect((await raw('/v1/chat/completions', { method: 'POST', body: '{}', key: 'hg_wrong' })).status).toBe(
      401,
    );
    const bad = await raw('/v1/chat/completions', { method: 'POST', body: '{"model":' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'input_invalid', type: 'invalid_request_error' });
    expect(
      (await raw('/v1/chat/completions', { method: 'POST', body: '{"model":"m","messages":"hi"}' })).status,
    ).toBe(400);
    const utf8 = await fetch(`${t.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
      body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]),
    });
    expect(utf8.status).toBe(400);
    expect(((await utf8.json()) as { error: { message: string } }).error.message).toContain('UTF-8');
    const big = await raw('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(5_000_000) }] }),
    });
    expect(big.status).toBe(413);
    expect(big.body.error?.code).toBe('body_too_large');
    expect((await raw('/v1/nothing', { method: 'GET' })).status).toBe(404);
  });

  it('maps upstream failures: 5xx, reset, timeout, malformed JSON', async () => {
    const ask = () =>
      t.client.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }] });
    t.upstream.behaviour = { kind: 'status', status: 500 };
    await expect(ask()).rejects.toMatchObject({ status: 502, code: 'upstream_error' });
    t.upstream.behaviour = { kind: 'reset' };
    await expect(ask()).rejects.toMatchObject({ status: 502, code: 'upstream_unavailable' });
    t.upstream.behaviour = { kind: 'hang' };
    await expect(ask()).rejects.toMatchObject({ status: 504, code: 'upstream_timeout' });
    t.upstream.behaviour = { kind: 'malformed-json' };
    await expect(ask()).rejects.toMatchObject({ status: 502, code: 'upstream_error' });
  });

  it('ends a stream with an error when the upstream sends garbage or stalls', async () => {
    for (const behaviour of [
      { kind: 'malformed-sse' as const },
      { kind: 'stall' as const, deltas: ['开始了'] },
    ]) {
      t.upstream.behaviour = behaviour;
      const stream = await t.client.chat.completions.create({
        model: 'fake-model',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      });
      await expect(collect(stream)).rejects.toThrow();
    }
  });
});

describe('users, audit and operations', () => {
  it('warns, restricts and suspends users after repeated blocked inputs', async () => {
    const ask = (user: string, content: string) =>
      t.client.chat.completions.create({ model: 'fake-model', user, messages: [{ role: 'user', content }] });
    // Three blocked inputs within the hour, with allowed ones between: restricted (429).
    const first = await ask('user-42', '卖冰毒');
    expect((first as unknown as { hegui: { warning?: string } }).hegui.warning).toBeTruthy();
    await ask('user-42', '你好');
    await ask('user-42', '卖冰毒');
    await ask('user-42', '你好');
    await ask('user-42', '卖冰毒');
    const restricted = await ask('user-42', '你好').catch(
      (err: unknown) => err as InstanceType<typeof OpenAI.APIError>,
    );
    expect(restricted).toMatchObject({ status: 429, code: 'user_restricted' });
    const retryAfter = Number(
      (restricted as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after'),
    );
    expect(retryAfter).toBeGreaterThan(3000); // the default restriction lasts an hour
    expect(retryAfter).toBeLessThanOrEqual(3600);
    // Three in a row: suspended (403), the stricter default rule.
    for (let i = 0; i < 3; i++) await ask('user-43', '卖冰毒');
    await expect(ask('user-43', '你好')).rejects.toMatchObject({ status: 403, code: 'user_suspended' });
    // Another user is unaffected.
    expect((await ask('user-7', '你好')).choices[0]!.finish_reason).toBe('stop');
    const sanctions = await t.gateway.store.sanctions.list();
    expect(sanctions.map((s: { level: string }) => s.level)).toEqual(
      expect.arrayContaining(['warn', 'restrict', 'suspend']),
    );
    // The record keeps every strike behind the step (art. 14 ¶2), each one readable evidence.
    const restrict = sanctions.find((s) => s.level === 'restrict')!;
    expect(restrict.evidenceRefs).toHaveLength(3);
    expect(await t.gateway.store.evidence.get(restrict.evidenceRefs[0]!)).toContain('冰毒');
  });

  it('writes one audit event per request and the chain verifies', async () => {
    const before = (await t.gateway.store.audit.list({ limit: 10_000 })).length;
    await t.client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: '你好' }],
    });
    await raw('/v1/chat/completions', { method: 'POST', body: '{}', key: null });
    const events = await t.gateway.store.audit.list({ limit: 10_000 });
    expect(events.length).toBe(before + 2);
    expect(JSON.stringify(events)).not.toContain('你好');
    expect((await t.gateway.store.audit.verify()).ok).toBe(true);
  });

  it('serves moderations, models, health, readiness and metrics', async () => {
    const m = await t.client.moderations.create({ input: ['今天天气不错', '一起来网络赌博'] });
    expect(m.results[0]!.flagged).toBe(false);
    expect(m.results[1]!.flagged).toBe(true);
    expect(m.results[1]!.categories.illicit).toBe(true);
    expect(
      (m.results[1] as unknown as { hegui: { categories: { code: string }[] } }).hegui.categories[0]!.code,
    ).toBe('A1h');
    const models = await t.client.models.list();
    expect(models.data.map((d) => d.id)).toContain('fake-model');
    expect((await fetch(`${t.gateway.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.gateway.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${t.gateway.url}/metrics`)).text();
    expect(metrics).toContain('hegui_requests_total');
    expect(metrics).toContain('hegui_verdicts_total{direction="input",action="block",category="A1h"}');
  });

  it('moderates embeddings input and legacy completions', async () => {
    const e = await t.client.embeddings.create({
      model: 'fake-model',
      input: '正常文本',
      encoding_format: 'float',
    });
    expect(e.data[0]!.embedding).toEqual([0.1, 0.2]);
    await expect(
      t.client.embeddings.create({ model: 'fake-model', input: ['冰毒'], encoding_format: 'float' }),
    ).rejects.toMatchObject({ status: 400, code: 'content_blocked' });
    const c = await t.client.completions.create({ model: 'fake-model', prompt: '冰毒' });
    expect(c.choices[0]!.finish_reason).toBe('content_filter');
  });
});

describe('fail closed', () => {
  it('refuses requests with 503 audit_unavailable when the database is gone', async () => {
    const g = await startTestGateway();
    try {
      await g.gateway.store.db.destroy();
      const r = await fetch(`${g.gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${g.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: '你好' }] }),
      });
      expect(r.status).toBe(503);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('audit_unavailable');
      expect((await fetch(`${g.gateway.url}/readyz`)).status).toBe(503);
    } finally {
      await g.upstream.close();
      await g.gateway.app.close();
    }
  });
});
