/**
 * A small OpenAI-compatible chat client for assessment runs: one keep-alive pool per target, a
 * deadline per attempt, retries with exponential backoff and jitter on 429, 5xx, timeouts and
 * connection errors (honouring `Retry-After`), and a shared start-rate limit.
 */
import { Pool, errors as undiciErrors } from 'undici';
import { HeguiError } from '../engine/errors.js';

export interface ChatClientOptions {
  /** Base URL including the API prefix, e.g. `http://127.0.0.1:8787/v1`. */
  readonly baseUrl: string;
  readonly apiKey?: string;
  readonly model: string;
  /** Open connections (normally the run's concurrency). */
  readonly connections?: number;
  /** Milliseconds per attempt (headers and body). Default 60 s. */
  readonly timeoutMs?: number;
  /** Attempts per question including the first. Default 5. */
  readonly maxAttempts?: number;
  /** First backoff in ms (doubled each retry, ± jitter, capped by `maxBackoffMs`). Default 500. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Requests started per second across all workers; 0 = unlimited. */
  readonly ratePerSecond?: number;
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly system?: string;
  /** Random source for jitter (tests pass a fixed one). */
  readonly random?: () => number;
}

export interface ChatAnswer {
  readonly ok: true;
  readonly content: string;
  readonly finishReason: string | null;
  readonly httpStatus: number;
  /** The gateway's `hegui` object when the target is hegui. */
  readonly hegui: unknown;
  readonly attempts: number;
  readonly latencyMs: number;
}

export interface ChatFailure {
  readonly ok: false;
  readonly error: string;
  readonly httpStatus: number | null;
  readonly attempts: number;
  readonly latencyMs: number;
}

/** Starts at most `perSecond` calls per second, spaced evenly. */
export class RateLimiter {
  private next = 0;
  constructor(private readonly perSecond: number) {}

  async take(signal?: AbortSignal): Promise<void> {
    if (this.perSecond <= 0) return;
    const now = performance.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.perSecond;
    if (at > now) await sleep(at - now, signal);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

class Retryable extends Error {
  constructor(
    message: string,
    readonly httpStatus: number | null,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export class ChatClient {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly limiter: RateLimiter;
  private readonly random: () => number;

  constructor(private readonly options: ChatClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new HeguiError('usage', `not a URL: ${options.baseUrl}`, '--target');
    }
    const timeout = options.timeoutMs ?? 60_000;
    this.pool = new Pool(url.origin, {
      connections: options.connections ?? 8,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      keepAliveTimeout: 10_000,
    });
    this.path = `${url.pathname.replace(/\/+$/, '')}/chat/completions`;
    this.limiter = new RateLimiter(options.ratePerSecond ?? 0);
    this.random = options.random ?? Math.random;
  }

  /** Asks one question; never throws for HTTP or network trouble (only when `signal` aborts). */
  async ask(prompt: string, signal?: AbortSignal): Promise<ChatAnswer | ChatFailure> {
    const started = performance.now();
    const max = Math.max(1, this.options.maxAttempts ?? 5);
    let last: Retryable | undefined;
    for (let attempt = 1; attempt <= max; attempt++) {
      await this.limiter.take(signal);
      try {
        const answer = await this.once(prompt, signal);
        return { ...answer, ok: true, attempts: attempt, latencyMs: performance.now() - started };
      } catch (err) {
        if (signal?.aborted) throw signal.reason as Error;
        if (!(err instanceof Retryable)) {
          const e = err as Error & { httpStatus?: number };
          return {
            ok: false,
            error: e.message,
            httpStatus: e.httpStatus ?? null,
            attempts: attempt,
            latencyMs: performance.now() - started,
          };
        }
        last = err;
        if (attempt < max) await sleep(this.backoff(attempt, err.retryAfterMs), signal);
      }
    }
    return {
      ok: false,
      error: `gave up after ${max} attempts: ${last?.message ?? 'unknown'}`,
      httpStatus: last?.httpStatus ?? null,
      attempts: max,
      latencyMs: performance.now() - started,
    };
  }

  /** Backoff before attempt `attempt + 1`: base·2^(attempt−1) with ±50 % jitter, or Retry-After. */
  backoff(attempt: number, retryAfterMs?: number): number {
    const cap = this.options.maxBackoffMs ?? 30_000;
    if (retryAfterMs !== undefined) return Math.min(cap, retryAfterMs);
    const base = (this.options.backoffMs ?? 500) * 2 ** (attempt - 1);
    return Math.min(cap, base * (0.5 + this.random()));
  }

  private async once(
    prompt: string,
    signal?: AbortSignal,
  ): Promise<Omit<ChatAnswer, 'ok' | 'attempts' | 'latencyMs'>> {
    const messages = [
      ...(this.options.system ? [{ role: 'system', content: this.options.system }] : []),
      { role: 'user', content: prompt },
    ];
    const body = JSON.stringify({
      model: this.options.model,
      messages,
      stream: false,
      ...(this.options.temperature !== undefined ? { temperature: this.options.temperature } : {}),
      ...(this.options.maxTokens !== undefined ? { max_tokens: this.options.maxTokens } : {}),
    });
    let res;
    try {
      res = await this.pool.request({
        method: 'POST',
        path: this.path,
        headers: {
          'content-type': 'application/json',
          ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
        },
        body,
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      throw networkError(err);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      throw networkError(err);
    }
    const status = res.statusCode;
    if (status === 429 || status >= 500) {
      throw new Retryable(`HTTP ${status}`, status, retryAfter(res.headers['retry-after']));
    }
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    if (status >= 400) {
      // hegui answers a blocked prompt with HTTP 400 content_blocked when configured so: a refusal.
      const error = json?.error as { code?: string; message?: string } | undefined;
      if (status === 400 && error?.code === 'content_blocked') {
        return {
          content: '',
          finishReason: 'content_filter',
          httpStatus: status,
          hegui: json?.hegui ?? error,
        };
      }
      throw Object.assign(new Error(`HTTP ${status}: ${error?.message ?? text.slice(0, 200)}`), {
        httpStatus: status,
      });
    }
    if (!json) throw new Retryable('malformed JSON response', status);
    const choice = (
      json.choices as { message?: { content?: unknown }; finish_reason?: unknown }[] | undefined
    )?.[0];
    if (!choice) throw new Retryable('response without choices', status);
    const content = typeof choice.message?.content === 'string' ? choice.message.content : '';
    return {
      content,
      finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : null,
      httpStatus: status,
      hegui: json.hegui ?? null,
    };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

function retryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(v);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

function networkError(err: unknown): Error {
  if (err instanceof undiciErrors.RequestAbortedError) return err;
  const e = err as Error & { code?: string };
  if (
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.SocketError ||
    ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT'].includes(e.code ?? '')
  ) {
    return new Retryable(`${e.code ?? e.name}: ${e.message}`, null);
  }
  return new Retryable(e.message, null);
}
