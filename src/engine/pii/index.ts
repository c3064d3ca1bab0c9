/**
 * PII recognisers and redaction: pure functions, no I/O. `detectPii` finds personal information in
 * a text; `redactPii` rewrites the spans it found (mask, placeholder or keyed pseudonym).
 */
import { HeguiError } from '../errors.js';
import { bankCardRecognizer } from './bank-card.js';
import { emailRecognizer } from './email.js';
import { idCardRecognizer } from './id-card.js';
import { ipRecognizer } from './ip.js';
import { PII_TYPES } from './labels.js';
import { landlineRecognizer } from './landline.js';
import { mobileRecognizer } from './mobile.js';
import { passportRecognizer } from './passport.js';
import { plateRecognizer } from './plate.js';
import { resolveOverlaps } from './resolve.js';
import { scanInput } from './scan.js';
import type { DetectOptions, PiiMatch, PiiRecognizer, PiiType } from './types.js';
import { usccRecognizer } from './uscc.js';

export type * from './types.js';
export { PII_TYPES, piiTypeInfo, type PiiTypeInfo } from './labels.js';
export { redactPii } from './redact.js';
export { resolveOverlaps } from './resolve.js';
export { idCardCheckChar, isValidIdCard } from './id-card.js';
export { isLuhnValid, isValidBankCard, luhnCheckDigit } from './bank-card.js';
export { isValidUscc, orgCodeCheckChar, usccCheckChar } from './uscc.js';

export const PII_RECOGNIZERS: readonly PiiRecognizer[] = Object.freeze([
  idCardRecognizer,
  usccRecognizer,
  passportRecognizer,
  bankCardRecognizer,
  emailRecognizer,
  ipRecognizer,
  plateRecognizer,
  landlineRecognizer,
  mobileRecognizer,
]);

const KNOWN_TYPES: ReadonlySet<string> = new Set(PII_TYPES.map((info) => info.type));

/**
 * All PII in `text`, non-overlapping, sorted by start. Every recogniser runs even when `types`
 * narrows the result: overlaps are resolved first, so an ID number is never reported as a bank
 * card or phone just because `pii.id_card` was not requested.
 */
export function detectPii(text: string, options: DetectOptions = {}): PiiMatch[] {
  const wanted = options.types ? new Set<PiiType>(options.types) : undefined;
  for (const type of wanted ?? []) {
    if (!KNOWN_TYPES.has(type))
      throw new HeguiError('input_invalid', `unknown PII type ${JSON.stringify(type)}`);
  }
  if (wanted?.size === 0) return [];
  const input = scanInput(text, options.referenceDate);
  const resolved = resolveOverlaps(PII_RECOGNIZERS.flatMap((recognizer) => recognizer.find(input)));
  return wanted ? resolved.filter((match) => wanted.has(match.type)) : resolved;
}
