/**
 * `pii.bank_card` — payment card numbers: 16–19 digits, contiguous or in groups of four (space or
 * hyphen, used consistently), Luhn-valid, and starting with an issuer prefix that actually circulates
 * in China. Requiring a known prefix cuts the ~10% of random digit runs that pass Luhn by itself:
 *   62 UnionPay · 60 (6013 Bank of China legacy, 6011 Discover) · 65 Discover · 4 Visa ·
 *   51–55 and 2221–2720 Mastercard · 35 JCB · 95 legacy domestic debit (9558/9559 …).
 * 15-digit American Express numbers are out of scope (16–19 only).
 */
import { isJoinedToDigits } from './boundary.js';
import type { PiiMatch, PiiRecognizer, ScanInput } from './types.js';

/** Luhn check digit for `body` (digits only). */
export function luhnCheckDigit(body: string): string {
  let sum = 0;
  // Walking from the right, the digit next to the (future) check digit is doubled first.
  for (let i = body.length - 1, double = true; i >= 0; i--, double = !double) {
    let digit = body.charCodeAt(i) - 0x30;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

export function isLuhnValid(digits: string): boolean {
  return /^\d{2,}$/.test(digits) && luhnCheckDigit(digits.slice(0, -1)) === digits.slice(-1);
}

export function hasKnownCardPrefix(digits: string): boolean {
  if (/^(?:62|60|65|4|5[1-5]|35|95)/.test(digits)) return true;
  const four = Number(digits.slice(0, 4));
  return four >= 2221 && four <= 2720;
}

export function isValidBankCard(digits: string): boolean {
  return /^\d{16,19}$/.test(digits) && hasKnownCardPrefix(digits) && isLuhnValid(digits);
}

const CARD = /(?<![0-9A-Za-z])(?:\d{16,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{4}(?:\1\d{1,3})?)(?![0-9A-Za-z])/g;

export const bankCardRecognizer: PiiRecognizer = {
  type: 'pii.bank_card',
  find({ text, folded }: ScanInput): PiiMatch[] {
    const matches: PiiMatch[] = [];
    for (const m of folded.matchAll(CARD)) {
      const start = m.index;
      const end = start + m[0].length;
      if (!isValidBankCard(m[0].replace(/[ -]/g, '')) || isJoinedToDigits(folded, start, end)) continue;
      matches.push({ type: 'pii.bank_card', start, end, value: text.slice(start, end) });
    }
    return matches;
  },
};
