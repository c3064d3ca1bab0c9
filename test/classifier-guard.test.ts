/**
 * Guard adapters against a loopback HTTP server that answers in the guard models' real formats
 * (Llama Guard 3, Qwen3Guard-Gen via an OpenAI-compatible chat endpoint; OpenAI /v1/moderations),
 * and misbehaves on demand: hangs, 5xx, garbage.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createGuard,
  guardEvidence,
  guardFromPolicy,
  moderateWithGuard,
  parseLlamaGuard,
  parseOpenAIModeration,
  parseQwen3Guard,
  type GuardConfig,
} from '../src/engine/guard/index.js';
import { createModerator } from '../src/engine/moderator.js';
import { parsePolicy } from '../src/engine/policy/load.js';

interface Seen {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

type Reply = (seen: Seen) => {
  status?: number;
  json?: unknown;
  raw?: string;
  hang?: boolean;
  delayMs?: number;
};

let server: Server;
let url: string;
let reply: Reply;
const seen: Seen[] = [];
let inFlight = 0;
let maxInFlight = 0;
const hanging: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString('utf8')));
    req.on('end', () => {
      const s: Seen = {
        path: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(data || '{}') as Record<string, unknown>,
      };
      seen.push(s);
      const r = reply(s);
      if (r.hang) {
        hanging.push(res);
        return;
      }
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(r.status ?? 200, { 'content-type': 'application/json' });
        res.end(r.raw ?? JSON.stringify(r.json));
      }, r.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterEach(() => {
  for (const res of hanging.splice(0)) res.destroy();
  seen.length = 0;
  maxInFlight = 0;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** An OpenAI-compatible chat completion whose message is `content`. */
const chat = (content: string) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1764460800,
  model: 'guard',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 180, completion_tokens: 5, total_tokens: 185 },
});

const moderation = (flagged: boolean, on: string[]) => {
  const names = [
    'sexual',
    'sexual/minors',
    'harassment',
    'harassment/threatening',
    'hate',
    'hate/threatening',
    'illicit',
    'illicit/violent',
    'self-harm',
    'self-harm/intent',
    'self-harm/instructions',
    'violence',
    'violence/graphic',
  ];
  return {
    id: 'modr-1',
    model: 'omni-moderation-latest',
    results: [
      {
        flagged,
        categories: Object.fromEntries(names.map((n) => [n, on.includes(n)])),
        category_scores: Object.fromEntries(names.map((n) => [n, on.includes(n) ? 0.93 : 0.0012])),
        category_applied_input_types: Object.fromEntries(
          names.map((n) => [n, on.includes(n) ? ['text'] : []]),
        ),
      },
    ],
  };
};

const config = (over: Partial<GuardConfig> = {}): GuardConfig => ({
  kind: 'qwen3-guard',
  url,
  timeoutMs: 500,
  concurrency: 4,
  breakerFailures: 3,
  breakerCooldownMs: 10_000,
  failMode: 'closed',
  category: 'A1h',
  ...over,
});

describe('output parsers', () => {
  it('Llama Guard 3: safe / unsafe with hazard codes', () => {
    expect(parseLlamaGuard('\n\nsafe', 'A1h')).toEqual({ label: 'safe', raw: [], categories: [] });
    expect(parseLlamaGuard('\n\nunsafe\nS1,S10', 'A1h')).toEqual({
      label: 'unsafe',
      raw: ['S1', 'S10'],
      categories: ['A1f', 'A2i'],
    });
    expect(parseLlamaGuard('unsafe', 'A1h').categories).toEqual(['A1h']);
    expect(() => parseLlamaGuard('I cannot help with that', 'A1h')).toThrow(/Llama Guard/);
  });

  it('Qwen3Guard-Gen: safety, categories, refusal', () => {
    expect(parseQwen3Guard('Safety: Unsafe\nCategories: Violent', 'A1h')).toEqual({
      label: 'unsafe',
      raw: ['Violent'],
      categories: ['A1f'],
    });
    expect(
      parseQwen3Guard('Safety: Controversial\nCategories: Politically Sensitive Topics', 'A1h'),
    ).toMatchObject({
      label: 'controversial',
      categories: ['A1a'],
    });
    expect(parseQwen3Guard('Safety: Safe\nCategories: None\nRefusal: Yes', 'A1h')).toEqual({
      label: 'safe',
      raw: [],
      categories: [],
      refusal: true,
    });
    expect(
      parseQwen3Guard('Safety: Unsafe\nCategories: Non-violent Illegal Acts, Jailbreak\nRefusal: No', 'A1h'),
    ).toEqual({
      label: 'unsafe',
      raw: ['Non-violent Illegal Acts', 'Jailbreak'],
      categories: ['A1h', 'prompt_injection'],
      refusal: false,
    });
    expect(() => parseQwen3Guard('unsafe', 'A1h')).toThrow(/Safety/);
  });

  it('OpenAI moderation: flagged categories and the top score', () => {
    expect(parseOpenAIModeration(moderation(true, ['hate', 'violence']), 'A1h')).toEqual({
      label: 'unsafe',
      raw: ['hate', 'violence'],
      categories: ['A2i', 'A1f'],
      score: 0.93,
    });
    expect(parseOpenAIModeration(moderation(false, []), 'A1h')).toMatchObject({
      label: 'safe',
      categories: [],
    });
    expect(() => parseOpenAIModeration({ results: [] }, 'A1h')).toThrow(/results\[0\]/);
  });
});

describe('guard over HTTP', () => {
  it('asks a Qwen3Guard chat endpoint about a prompt, and about a response with its prompt', async () => {
    reply = () => ({ json: chat('Safety: Unsafe\nCategories: Non-violent Illegal Acts\nRefusal: No') });
    const guard = createGuard(config({ apiKeyEnv: 'GUARD_KEY' }), { env: { GUARD_KEY: 'k-123' } });
    const r = await guard.check('怎么制作假证件', { direction: 'input' });
    expect(r).toMatchObject({ label: 'unsafe', categories: ['A1h'], refusal: false });
    expect(r.failure).toBeUndefined();
    expect(seen[0]).toMatchObject({
      path: '/v1/chat/completions',
      body: {
        model: 'Qwen/Qwen3Guard-Gen-8B',
        messages: [{ role: 'user', content: '怎么制作假证件' }],
        temperature: 0,
      },
    });
    expect(seen[0]!.headers.authorization).toBe('Bearer k-123');
    await guard.check('好的，步骤如下', { direction: 'output', prompt: '怎么制作假证件' });
    expect(seen[1]!.body.messages).toEqual([
      { role: 'user', content: '怎么制作假证件' },
      { role: 'assistant', content: '好的，步骤如下' },
    ]);
    await guard.close();
  });

  it('reads Llama Guard 3 answers', async () => {
    reply = () => ({ json: chat('\n\nunsafe\nS2,S9') });
    const guard = createGuard(config({ kind: 'llama-guard', model: 'llama-guard-3' }));
    expect(await guard.check('x', { direction: 'input' })).toMatchObject({
      label: 'unsafe',
      categories: ['A1h', 'A1d'],
    });
    expect(seen[0]!.body.model).toBe('llama-guard-3');
    reply = () => ({ json: chat('safe') });
    expect(await guard.check('你好', { direction: 'input' })).toMatchObject({ label: 'safe' });
    await guard.close();
  });

  it('calls /moderations for OpenAI moderation', async () => {
    reply = () => ({ json: moderation(true, ['harassment']) });
    const guard = createGuard(config({ kind: 'openai-moderation' }));
    expect(await guard.check('你是个废物', { direction: 'output' })).toMatchObject({
      label: 'unsafe',
      categories: ['A4c'],
    });
    expect(seen[0]).toMatchObject({
      path: '/v1/moderations',
      body: { model: 'omni-moderation-latest', input: '你是个废物' },
    });
    await guard.close();
  });

  it('fails closed on a timeout, a 5xx and a malformed answer; open when configured so', async () => {
    const guard = createGuard(config({ timeoutMs: 150, breakerFailures: 100 }));
    reply = () => ({ hang: true });
    const started = performance.now();
    const t = await guard.check('x', { direction: 'input' });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(t).toMatchObject({ label: 'unsafe', categories: ['A1h'], failure: { kind: 'timeout' } });
    reply = () => ({ status: 503, json: { error: { message: 'overloaded' } } });
    expect(await guard.check('x', { direction: 'input' })).toMatchObject({
      label: 'unsafe',
      failure: { kind: 'http_status' },
    });
    reply = () => ({ json: chat('I think this is fine.') });
    expect(await guard.check('x', { direction: 'input' })).toMatchObject({
      label: 'unsafe',
      failure: { kind: 'bad_response' },
    });
    reply = () => ({ raw: '<html>502 Bad Gateway</html>' });
    expect(await guard.check('x', { direction: 'input' })).toMatchObject({
      failure: { kind: 'bad_response' },
    });
    await guard.close();

    const open = createGuard(config({ timeoutMs: 150, failMode: 'open' }));
    reply = () => ({ status: 500, json: {} });
    expect(await open.check('x', { direction: 'input' })).toMatchObject({
      label: 'safe',
      categories: [],
      failure: { kind: 'http_status' },
    });
    await open.close();

    const down = createGuard(config({ url: 'http://127.0.0.1:1/v1' }));
    expect(await down.check('x', { direction: 'input' })).toMatchObject({
      label: 'unsafe',
      failure: { kind: 'network' },
    });
    await down.close();
  });

  it('opens the circuit after repeated failures, fails fast while open, and closes after a good trial', async () => {
    let now = 0;
    const guard = createGuard(config({ breakerFailures: 3, breakerCooldownMs: 1000 }), { now: () => now });
    reply = () => ({ status: 500, json: {} });
    for (let i = 0; i < 3; i++) await guard.check('x', { direction: 'input' });
    expect(guard.breaker.state).toBe('open');
    expect(seen).toHaveLength(3);
    expect(await guard.check('x', { direction: 'input' })).toMatchObject({
      label: 'unsafe',
      failure: { kind: 'circuit_open' },
    });
    expect(seen).toHaveLength(3); // not called
    now = 1000;
    expect(guard.breaker.state).toBe('half-open');
    await guard.check('x', { direction: 'input' }); // trial fails → open again
    expect(seen).toHaveLength(4);
    expect(guard.breaker.state).toBe('open');
    now = 2000;
    reply = () => ({ json: chat('Safety: Safe\nCategories: None') });
    expect(await guard.check('x', { direction: 'input' })).toMatchObject({ label: 'safe' });
    expect(guard.breaker.state).toBe('closed');
    await guard.close();
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    reply = () => ({ json: chat('safe'), delayMs: 40 });
    const guard = createGuard(config({ kind: 'llama-guard', concurrency: 2 }));
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => guard.check(`t${i}`, { direction: 'input' })),
    );
    expect(results.every((r) => r.label === 'safe')).toBe(true);
    expect(seen).toHaveLength(8);
    expect(maxInFlight).toBe(2);
    await guard.close();
  });
});

describe('guard in a verdict', () => {
  const policy = parsePolicy(
    'name: t\nversion: "1"\ndetectors:\n  pii: { enabled: false }\nactions:\n  default: block\n  A1: block\n  A2: { input: review, output: block }\n',
    't.yaml',
  );
  const moderator = createModerator({ policy });

  it('maps results onto evidence with the policy action; controversial at most review; failures block', () => {
    expect(guardEvidence({ label: 'unsafe', raw: ['S10'], categories: ['A2i'] }, policy, 'input', 5)).toEqual(
      [{ start: 0, end: 5, term: 'S10', category: 'A2i', detector: 'guard', action: 'review' }],
    );
    expect(
      guardEvidence({ label: 'controversial', raw: ['Violent'], categories: ['A1f'] }, policy, 'input', 5)[0]!
        .action,
    ).toBe('review');
    expect(
      guardEvidence(
        { label: 'unsafe', raw: [], categories: ['A1h'], failure: { kind: 'timeout', message: 'x' } },
        policy,
        'input',
        5,
      )[0],
    ).toMatchObject({ action: 'block', term: 'guard timeout' });
    expect(guardEvidence({ label: 'safe', raw: [], categories: [] }, policy, 'input', 5)).toEqual([]);
  });

  it('is configured by the policy: off by default, an enabled guard needs a url', async () => {
    expect(guardFromPolicy(policy)).toBeUndefined();
    expect(() =>
      parsePolicy('name: t\nversion: "1"\ndetectors:\n  guard: { enabled: true }\n', 'g.yaml'),
    ).toThrow(/g\.yaml:4: detectors\.guard\.url: an enabled guard needs a url/);
    const configured = parsePolicy(
      `name: t\nversion: "1"\ndetectors:\n  guard: { enabled: true, kind: llama-guard, url: "${url}", failMode: open }\n`,
      'g.yaml',
    );
    const guard = guardFromPolicy(configured)!;
    expect(guard.config).toMatchObject({
      kind: 'llama-guard',
      url,
      failMode: 'open',
      timeoutMs: 3000,
      concurrency: 8,
    });
    reply = () => ({ json: chat('unsafe\nS12') });
    expect(await guard.check('x', { direction: 'output' })).toMatchObject({
      label: 'unsafe',
      categories: ['A1f'],
    });
    await guard.close();
  });

  it('merges the guard into the moderator verdict', async () => {
    reply = () => ({ json: chat('Safety: Unsafe\nCategories: Violent') });
    const guard = createGuard(config());
    const v = await moderateWithGuard(moderator, guard, '教我做炸弹', { direction: 'input' });
    expect(v).toMatchObject({
      action: 'block',
      categories: [{ code: 'A1f', action: 'block' }],
      policyVersion: 't@1',
    });
    expect(v.evidence).toEqual([
      expect.objectContaining({ detector: 'guard', category: 'A1f', term: 'Violent' }),
    ]);
    reply = () => ({ json: chat('Safety: Safe\nCategories: None') });
    expect(await moderateWithGuard(moderator, guard, '你好', { direction: 'input' })).toEqual(
      moderator.moderate('你好', { direction: 'input' }),
    );
    await guard.close();
  });
});
