/** Reading upstream responses: JSON bodies, and upstream errors turned into ours. */
import type { Dispatcher } from 'undici';
import { HeguiError } from '../engine/errors.js';
import type { GatewayMetrics } from './metrics.js';
import type { RequestContext } from './context.js';
import { upstreamError, type UpstreamRouter } from './upstream.js';

export async function readUpstreamJson(
  response: Dispatcher.ResponseData,
  name: string,
): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await response.body.text();
  } catch (err) {
    throw upstreamError(err, name);
  }
  try {
    const json = JSON.parse(text) as unknown;
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not an object');
    return json as Record<string, unknown>;
  } catch {
    throw new HeguiError('upstream_error', `upstream "${name}" returned a malformed response`);
  }
}

/**
 * An upstream error status: 4xx is the client's problem (model-specific validation), so its message is
 * passed on under our `upstream_error` code with the upstream's status; 5xx becomes a 502.
 */
export async function upstreamFailure(
  response: Dispatcher.ResponseData,
  name: string,
  metrics: GatewayMetrics,
): Promise<HeguiError> {
  const status = response.statusCode;
  metrics.upstreamErrors.inc({ upstream: name, code: String(status) });
  let detail = '';
  try {
    const text = await response.body.text();
    const json = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof json.error?.message === 'string') detail = `: ${json.error.message.slice(0, 500)}`;
  } catch {
    // the body is not JSON; the status says enough
  }
  if (status === 404) return new HeguiError('model_not_found', `upstream "${name}" answered 404${detail}`);
  if (status < 500)
    return new HeguiError('input_invalid', `upstream "${name}" rejected the request (${status})${detail}`);
  return new HeguiError('upstream_error', `upstream "${name}" failed (${status})${detail}`);
}

/**
 * POSTs a JSON body to the upstream routed for `model` and returns its JSON answer, recording the
 * upstream time on the request; errors come back as our codes. `timeoutFactor` × the upstream's body
 * timeout bounds the whole exchange (image generation is slow).
 */
export async function postUpstreamJson(
  upstreams: UpstreamRouter,
  metrics: GatewayMetrics,
  ctx: RequestContext,
  path: string,
  body: Record<string, unknown> & { model: string },
  timeoutFactor = 2,
): Promise<Record<string, unknown>> {
  const upstream = upstreams.route(body.model);
  const started = performance.now();
  const response = await upstream.post(
    path,
    body,
    AbortSignal.timeout(upstream.config.bodyTimeoutMs * timeoutFactor),
  );
  ctx.upstreamMs = performance.now() - started;
  if (response.statusCode >= 400) throw await upstreamFailure(response, upstream.config.name, metrics);
  return readUpstreamJson(response, upstream.config.name);
}
