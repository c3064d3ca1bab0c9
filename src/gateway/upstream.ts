/**
 * Upstream models: one undici Pool per configured upstream (keep-alive, abortable), routed by model
 * name. Upstream keys are added here and never leave the server.
 */
import { Pool, type Dispatcher } from 'undici';
import { HeguiError } from '../engine/errors.js';
import type { UpstreamConfig } from './config.js';

export interface Upstream {
  readonly config: UpstreamConfig;
  /** POSTs JSON to `<base>/<path>`; the signal aborts the upstream request (generation stops). */
  post(path: string, body: unknown, signal: AbortSignal): Promise<Dispatcher.ResponseData>;
  get(path: string, signal: AbortSignal): Promise<Dispatcher.ResponseData>;
}

class PoolUpstream implements Upstream {
  private readonly pool: Pool;
  private readonly basePath: string;

  constructor(readonly config: UpstreamConfig) {
    const url = new URL(config.url);
    this.pool = new Pool(url.origin, {
      connections: config.connections,
      headersTimeout: config.headersTimeoutMs,
      bodyTimeout: config.bodyTimeoutMs,
      keepAliveTimeout: 10_000,
    });
    this.basePath = url.pathname.replace(/\/+$/, '');
  }

  private headers(json: boolean): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json, text/event-stream' };
    if (json) headers['content-type'] = 'application/json';
    if (this.config.apiKey) headers.authorization = `Bearer ${this.config.apiKey}`;
    return headers;
  }

  post(path: string, body: unknown, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    return this.pool
      .request({
        path: `${this.basePath}${path}`,
        method: 'POST',
        headers: this.headers(true),
        body: JSON.stringify(body),
        signal,
      })
      .catch((err: unknown) => {
        throw upstreamError(err, this.config.name);
      });
  }

  get(path: string, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    return this.pool
      .request({ path: `${this.basePath}${path}`, method: 'GET', headers: this.headers(false), signal })
      .catch((err: unknown) => {
        throw upstreamError(err, this.config.name);
      });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Turns undici's errors into our codes: timeouts → upstream_timeout, the rest → upstream_unavailable. */
export function upstreamError(err: unknown, name: string): HeguiError {
  if (err instanceof HeguiError) return err;
  const code = (err as { code?: string }).code ?? '';
  if (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  ) {
    return new HeguiError('upstream_timeout', `upstream "${name}" timed out`, undefined, { cause: err });
  }
  if (code === 'UND_ERR_ABORTED' || (err as Error).name === 'AbortError') {
    return new HeguiError('upstream_unavailable', `request to upstream "${name}" was aborted`, undefined, {
      cause: err,
    });
  }
  return new HeguiError(
    'upstream_unavailable',
    `upstream "${name}" is unavailable (${code || (err as Error).message})`,
    undefined,
    {
      cause: err,
    },
  );
}

export class UpstreamRouter {
  private readonly upstreams: PoolUpstream[];

  constructor(configs: readonly UpstreamConfig[]) {
    this.upstreams = configs.map((c) => new PoolUpstream(c));
  }

  get all(): readonly Upstream[] {
    return this.upstreams;
  }

  /** Exact model names first, then `prefix*` patterns, then `*`. */
  route(model: string): Upstream {
    const exact = this.upstreams.find((u) => u.config.models.includes(model));
    if (exact) return exact;
    const prefixed = this.upstreams.find((u) =>
      u.config.models.some((m) => m.length > 1 && m.endsWith('*') && model.startsWith(m.slice(0, -1))),
    );
    if (prefixed) return prefixed;
    const fallback = this.upstreams.find((u) => u.config.models.includes('*'));
    if (fallback) return fallback;
    throw new HeguiError(
      'model_not_found',
      `The model \`${model}\` does not exist or is not routed by this gateway`,
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.upstreams.map((u) => u.close()));
  }
}
