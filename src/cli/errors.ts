/**
 * The CLI's one mapping from errors to exit status and stderr: 2 for usage and input errors (and
 * anything unexpected, so a broken check never looks like "allowed").
 */
import { HeguiError } from '../engine/errors.js';

export const EXIT_ALLOW = 0;
export const EXIT_FLAGGED = 1;
export const EXIT_ERROR = 2;

export function reportError(err: unknown): number {
  if (err instanceof HeguiError) {
    process.stderr.write(`hegui: ${err.code}: ${err.message}\n`);
  } else if (err instanceof Error) {
    process.stderr.write(`hegui: internal: ${err.stack ?? err.message}\n`);
  } else {
    process.stderr.write(`hegui: internal: ${String(err)}\n`);
  }
  return EXIT_ERROR;
}
