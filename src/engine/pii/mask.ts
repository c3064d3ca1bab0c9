/**
 * `mask` mode: keep a few leading/trailing characters that help a human tell values apart without
 * identifying anyone, and replace every other letter/digit with `*`. Separators stay, so the layout
 * of the original is recognisable.
 *
 *   id_card    first 6 (region) + last 4            110105********1234
 *   mobile     country prefix + first 3 + last 4    +86 138****5678
 *   landline   area code + last 2                   010-******78
 *   email      first character of the local part    z***@example.com (domain kept)
 *   bank_card  first 6 (BIN) + last 4, as PCI DSS   622202******1234
 *   uscc       first 8 (authority, type, region) + last 2
 *   passport   first letter + last 2                E******78
 *   plate      province + authority letter          粤B*****, 粤B****学
 *   ip         IPv4 first two octets, IPv6 first two groups   192.168.*.*  2001:db8:*:*…
 *
 * At least one character is always masked, whatever the value.
 */
import { foldWidth } from './fold.js';
import type { PiiType } from './types.js';

const MASK = '*';
const ALNUM = /[0-9A-Za-z]/;
const DIGIT = /[0-9]/;

/**
 * Mask every significant character (ASCII letter/digit after width folding, or only digits) except
 * the first `keepHead` and the last `keepTail` of them. Everything else (separators, `转`, `学`, the
 * province character of a plate) is copied unchanged.
 */
function maskSignificant(value: string, keepHead: number, keepTail: number, significant = ALNUM): string {
  const folded = foldWidth(value);
  let count = 0;
  for (let i = 0; i < folded.length; i++) if (significant.test(folded[i] ?? '')) count++;
  if (count === 0) return MASK.repeat(Math.max(1, value.length));
  let head = keepHead;
  let tail = keepTail;
  while (head + tail >= count) {
    if (head >= tail) head--;
    else tail--;
  }
  let seen = 0;
  let out = '';
  for (let i = 0; i < folded.length; i++) {
    if (!significant.test(folded[i] ?? '')) {
      out += value[i];
      continue;
    }
    out += seen < head || seen >= count - tail ? value[i] : MASK;
    seen++;
  }
  return out;
}

function countDigits(text: string): number {
  return text.replace(/\D/g, '').length;
}

function maskMobile(value: string): string {
  const digits = countDigits(foldWidth(value));
  return maskSignificant(value, digits - 11 + 3, 4, DIGIT);
}

function maskLandline(value: string): string {
  // Leading part up to and including the area code: `+86 10`, `(0755)`, `010`.
  const areaPart = /^(?:\+86[ -]?)?\(?\d+/.exec(foldWidth(value))?.[0] ?? '';
  return maskSignificant(value, countDigits(areaPart), 2, DIGIT);
}

function maskEmail(value: string): string {
  const at = foldWidth(value).lastIndexOf('@');
  const local = value.slice(0, at);
  return `${local.length > 1 ? local.slice(0, 1) : ''}***${value.slice(at)}`;
}

function maskIp(value: string): string {
  const folded = foldWidth(value);
  if (!folded.includes(':')) {
    const firstTwoOctets = folded.split('.').slice(0, 2).join('');
    return maskSignificant(value, firstTwoOctets.length, 0);
  }
  const secondColon = folded.indexOf(':', folded.indexOf(':') + 1);
  return maskSignificant(value, folded.slice(0, secondColon).replace(/[^0-9A-Za-z]/g, '').length, 0);
}

export function maskValue(type: PiiType, value: string): string {
  switch (type) {
    case 'pii.id_card':
      return maskSignificant(value, 6, 4);
    case 'pii.mobile':
      return maskMobile(value);
    case 'pii.landline':
      return maskLandline(value);
    case 'pii.email':
      return maskEmail(value);
    case 'pii.bank_card':
      return maskSignificant(value, 6, 4);
    case 'pii.uscc':
      return maskSignificant(value, 8, 2);
    case 'pii.passport':
      return maskSignificant(value, 1, 2);
    case 'pii.plate':
      return maskSignificant(value, 1, 0); // the province character is not alphanumeric: always kept
    case 'pii.ip':
      return maskIp(value);
  }
}
