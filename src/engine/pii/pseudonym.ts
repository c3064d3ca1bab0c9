/**
 * `pseudonym` mode: `[手机号#3fa2b9c1]`, the hex prefix of HMAC-SHA256(key, type NUL canonical value).
 * The same value under the same key always gives the same token (so a conversation stays coherent
 * and equal values can be correlated); without the key the token cannot be reversed or recomputed
 * by brute force over the small space of, say, phone numbers. Values are canonicalised first, so
 * `138-1234-5678`, `+86 13812345678` and `１３８１２３４５６７８` share one token.
 */
import { createHmac } from 'node:crypto';
import { HeguiError } from '../errors.js';
import { foldWidth } from './fold.js';
import type { PiiType } from './types.js';

export const DEFAULT_TOKEN_HEX_LENGTH = 8;

/** The form of a value that pseudonymisation hashes: width-folded, separators and case removed. */
export function canonicalPiiValue(type: PiiType, value: string): string {
  const folded = foldWidth(value);
  switch (type) {
    case 'pii.email':
    case 'pii.ip':
      return folded.toLowerCase();
    case 'pii.mobile':
      return folded.replace(/\D/g, '').slice(-11);
    case 'pii.landline':
      // `+86 10 …` is the international spelling of `010 …`.
      return folded
        .replace(/^\+86[ -]?/, '0')
        .replace(/[^0-9A-Za-z]/g, '')
        .toUpperCase();
    case 'pii.plate':
      return folded.replace(/[·•・ -]/g, '').toUpperCase();
    default:
      return folded.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
  }
}

export function pseudonymToken(
  type: PiiType,
  value: string,
  key: string | Uint8Array | undefined,
  hexLength: number = DEFAULT_TOKEN_HEX_LENGTH,
): string {
  if (key === undefined || key.length === 0) {
    throw new HeguiError('config_invalid', 'pseudonym redaction needs a non-empty secret key');
  }
  if (!Number.isInteger(hexLength) || hexLength < 8 || hexLength > 64) {
    throw new HeguiError('input_invalid', `token length must be an integer from 8 to 64, got ${hexLength}`);
  }
  return createHmac('sha256', key)
    .update(`${type}\u0000${canonicalPiiValue(type, value)}`, 'utf8')
    .digest('hex')
    .slice(0, hexLength);
}
