/**
 * The gateway's one mapping from error codes to HTTP status and OpenAI-style error bodies
 * (`{ error: { message, type, param, code } }`), so every client library shows our stable `code`.
 */
import { HeguiError, type HeguiErrorCode } from '../engine/errors.js';

const STATUS: Partial<Record<HeguiErrorCode, number>> = {
  usage: 400,
  input_invalid: 400,
  content_blocked: 400,
  auth_invalid: 401,
  user_suspended: 403,
  not_found: 404,
  conflict: 409,
  client_closed: 499,
  model_not_found: 404,
  body_too_large: 413,
  user_restricted: 429,
  upstream_error: 502,
  upstream_unavailable: 502,
  detector_failed: 503,
  audit_unavailable: 503,
  store_unavailable: 503,
  strikes_unavailable: 503,
  upstream_timeout: 504,
};

const TYPE: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'invalid_request_error',
  429: 'rate_limit_error',
};

export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

export function statusOf(code: HeguiErrorCode): number {
  return STATUS[code] ?? 500;
}

export function errorBody(
  code: HeguiErrorCode | string,
  message: string,
  status: number,
  param: string | null = null,
): ErrorBody {
  return {
    error: {
      message,
      type: TYPE[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
      param,
      code,
    },
  };
}

/** Status and body for anything thrown while handling a request; unknown errors never leak details. */
export function toHttpError(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof HeguiError) {
    const status = statusOf(err.code);
    const message = status >= 500 && err.code === 'internal' ? 'internal error' : err.message;
    return { status, body: errorBody(err.code, message, status, null) };
  }
  return { status: 500, body: errorBody('internal', 'internal error', 500) };
}
