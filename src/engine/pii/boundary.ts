/** Boundary checks shared by the recognisers; they run on the width-folded text. */

export function isAsciiDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

export function isAsciiAlnum(code: number): boolean {
  return isAsciiDigit(code) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/**
 * True when the span [start, end) continues a larger grouped number on either side: a hyphen plus a
 * digit always joins (`6222-0213-8123-4567`), a space plus a digit joins only when the span itself
 * is space-grouped (so `房间 302 13812345678` still yields the phone, but `6222 138 1234 5678` does not).
 */
export function isJoinedToDigits(folded: string, start: number, end: number): boolean {
  const spaced = folded.slice(start, end).includes(' ');
  const joins = (separator: number | undefined, digit: number | undefined): boolean =>
    digit !== undefined && isAsciiDigit(digit) && (separator === 0x2d || (spaced && separator === 0x20));
  return (
    joins(folded.charCodeAt(start - 1), start >= 2 ? folded.charCodeAt(start - 2) : undefined) ||
    joins(folded.charCodeAt(end), end + 1 < folded.length ? folded.charCodeAt(end + 1) : undefined)
  );
}
