/** Reading upstream responses: JSON bodies, and upstream errors turned into ours. */
import type { Dispatcher } from 'undici';
import { HeguiError } from '../engine/errors.js';
import type { GatewayMetrics } from './metrics.js';
import { upstreamError } from './upstream.js';

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
