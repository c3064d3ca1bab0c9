/**
 * The small set of typed errors every layer shares. Each carries a stable machine-readable `code`;
 * the CLI maps codes to exit status and the gateway maps them to HTTP status in one place each.
 */
export type HeguiErrorCode =
  | 'usage'
  | 'input_invalid'
  | 'policy_invalid'
  | 'keywords_invalid'
  | 'library_format'
  | 'config_invalid'
  | 'content_blocked'
  | 'detector_failed'
  | 'auth_invalid'
  | 'model_not_found'
  | 'body_too_large'
  | 'user_restricted'
  | 'user_suspended'
  | 'upstream_timeout'
  | 'upstream_unavailable'
  | 'upstream_error'
  | 'audit_unavailable'
  | 'strikes_unavailable'
  | 'not_found'
  | 'client_closed'
  | 'store_unavailable'
  | 'conflict'
  | 'evidence_unreadable'
  | 'internal';

export class HeguiError extends Error {
  readonly code: HeguiErrorCode;
  /** Where the problem is: a file, `file:line`, or a config path such as `categories.A1a.input`. */
  readonly where: string | undefined;

  constructor(code: HeguiErrorCode, message: string, where?: string, options?: { cause?: unknown }) {
    super(where ? `${where}: ${message}` : message, options);
    this.name = 'HeguiError';
    this.code = code;
    this.where = where;
  }
}
