/**
 * External guard models over HTTP (undici): an OpenAI-compatible chat endpoint serving Llama Guard 3 or
 * Qwen3Guard-Gen, or OpenAI's `/v1/moderations`. Every call has a deadline, at most `concurrency`
 * calls are in flight, a circuit breaker stops calling a failing guard, and a failure is reported as
 * such — `fail-closed` (the default) turns it into an unsafe judgement the policy then acts on.
 */
import { Agent, request, type Dispatcher } from 'undici';
import type { Direction, GuardDetectorConfig } from '../policy/schema.js';
import { CircuitBreaker, Semaphore } from './limits.js';
import {
  GuardFormatError,
  parseLlamaGuard,
  parseOpenAIModeration,
  parseQwen3Guard,
  type GuardJudgement,
} from './parse.js';

export type GuardFailure = 'timeout' | 'http_status' | 'network' | 'bad_response' | 'circuit_open';

export interface GuardResult extends GuardJudgement {
  /** Set when the guard could not judge; the label then reflects `failMode`. */
  readonly failure?: { readonly kind: GuardFailure; readonly message: string };
}

export interface GuardCheck {
  readonly direction: Direction;
  /** For `direction: output`: the user prompt the response answers (chat guards judge the pair). */
  readonly prompt?: string;
}

export interface Guard {
  readonly config: GuardConfig;
  check(text: string, options: GuardCheck): Promise<GuardResult>;
  readonly breaker: CircuitBreaker;
  close(): Promise<void>;
}

export type GuardConfig = Omit<GuardDetectorConfig, 'enabled'> & { url: string };

export interface GuardDeps {
  /** Environment to read `apiKeyEnv` from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Clock for the circuit breaker. */
  readonly now?: () => number;
  /** undici dispatcher (default: an Agent with `concurrency` connections per origin). */
  readonly dispatcher?: Dispatcher;
}

const DEFAULT_MODELS = {
  'llama-guard': 'meta-llama/Llama-Guard-3-8B',
  'qwen3-guard': 'Qwen/Qwen3Guard-Gen-8B',
  'openai-moderation': 'omni-moderation-latest',
} as const;

export function createGuard(config: GuardConfig, deps: GuardDeps = {}): Guard {
  const base = config.url.replace(/\/+$/, '');
  const model = config.model ?? DEFAULT_MODELS[config.kind];
  const key = config.apiKeyEnv ? (deps.env ?? process.env)[config.apiKeyEnv] : undefined;
  const ownDispatcher = deps.dispatcher ? undefined : new Agent({ connections: config.concurrency });
  const dispatcher = deps.dispatcher ?? ownDispatcher!;
  const limiter = new Semaphore(config.concurrency);
  const breaker = new CircuitBreaker(config.breakerFailures, config.breakerCooldownMs, deps.now);

  const failed = (kind: GuardFailure, message: string): GuardResult => ({
    label: config.failMode === 'closed' ? 'unsafe' : 'safe',
    raw: [],
    categories: config.failMode === 'closed' ? [config.category] : [],
    failure: { kind, message },
  });

  const call = async (text: string, options: GuardCheck): Promise<GuardJudgement> => {
    const chat = config.kind !== 'openai-moderation';
    const path = chat ? '/chat/completions' : '/moderations';
    const messages =
      options.direction === 'output'
        ? [
            { role: 'user', content: options.prompt ?? '' },
            { role: 'assistant', content: text },
          ]
        : [{ role: 'user', content: text }];
    const body = chat ? { model, messages, temperature: 0, max_tokens: 64 } : { model, input: text };
    const res = await request(base + path, {
      method: 'POST',
      dispatcher,
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(config.timeoutMs),
      headersTimeout: config.timeoutMs,
      bodyTimeout: config.timeoutMs,
    });
    if (res.statusCode < 200 || res.statusCode >= 300) {
      await res.body.dump();
      throw new StatusError(`guard answered HTTP ${res.statusCode}`);
    }
    let json: unknown;
    try {
      json = await res.body.json();
    } catch (err) {
      if (isTimeout(err)) throw err;
      throw new GuardFormatError('guard answered something that is not JSON');
    }
    if (!chat) return parseOpenAIModeration(json, config.category);
    const content = (json as { choices?: { message?: { content?: unknown } }[] })?.choices?.[0]?.message
      ?.content;
    if (typeof content !== 'string')
      throw new GuardFormatError('guard answer has no choices[0].message.content');
    return config.kind === 'llama-guard'
      ? parseLlamaGuard(content, config.category)
      : parseQwen3Guard(content, config.category);
  };

  return {
    config: { ...config, model },
    breaker,
    async check(text, options) {
      return limiter.run(async () => {
        if (!breaker.tryAcquire())
          return failed('circuit_open', 'circuit open after repeated guard failures');
        try {
          const judgement = await call(text, options);
          breaker.success();
          return judgement;
        } catch (err) {
          breaker.failure();
          if (isTimeout(err)) return failed('timeout', `no answer within ${config.timeoutMs} ms`);
          if (err instanceof StatusError) return failed('http_status', err.message);
          if (err instanceof GuardFormatError) return failed('bad_response', err.message);
          return failed('network', (err as Error).message);
        }
      });
    },
    async close() {
      await ownDispatcher?.close();
    },
  };
}

class StatusError extends Error {}

function isTimeout(err: unknown): boolean {
  const e = err as { name?: string; code?: string } | null;
  return (
    e?.name === 'TimeoutError' ||
    e?.name === 'AbortError' ||
    e?.code === 'UND_ERR_HEADERS_TIMEOUT' ||
    e?.code === 'UND_ERR_BODY_TIMEOUT' ||
    e?.code === 'UND_ERR_ABORTED'
  );
}
