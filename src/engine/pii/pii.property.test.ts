/**
 * Property tests over generated valid values of every type. Check characters are computed here with
 * formulations independent of the library's (so a wrong weight table cannot validate itself).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectPii, isValidIdCard, redactPii } from './index.js';
import type { PiiMatch, PiiType, RedactionMode } from './types.js';

const TODAY = new Date(Date.UTC(2025, 0, 1));
const PROVINCES = [
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
  '83',
];
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const PLATE_PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const PLATE_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

// ---------- independent check characters ----------

function idCheck(first17: string): string {
  const sum = [...first17].reduce((acc, ch, i) => acc + Number(ch) * (2 ** (17 - i) % 11), 0);
  const check = (12 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}

function luhnComplete(body: string): string {
  for (let check = 0; check <= 9; check++) {
    const digits = body + check;
    const sum = [...digits]
      .reverse()
      .map((ch, i) => (i % 2 === 1 ? Number(ch) * 2 : Number(ch)))
      .reduce((acc, n) => acc + (n > 9 ? n - 9 : n), 0);
    if (sum % 10 === 0) return digits;
  }
  throw new Error('unreachable');
}

function orgCheck(body8: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body8].reduce((acc, ch, i) => acc + parseInt(ch, 36) * weights[i]!, 0);
  return ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X', '0'][11 - (sum % 11)]!;
}

function usccComplete(first16: string): string {
  const first17 = first16 + orgCheck(first16.slice(8));
  let weight = 1;
  let sum = 0;
  for (const ch of first17) {
    sum += USCC_ALPHABET.indexOf(ch) * weight;
    weight = (weight * 3) % 31;
  }
  return first17 + USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

// ---------- arbitraries ----------

const digits = (min: number, max = min) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((a) => a.join(''));
const charsFrom = (alphabet: string, length: number) =>
  fc.array(fc.constantFrom(...alphabet), { minLength: length, maxLength: length }).map((a) => a.join(''));
const pad = (n: number, width: number) => String(n).padStart(width, '0');

const birthDate = fc
  .date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2024, 11, 31)), noInvalidDate: true })
  .map((d) => `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}`);

const idCard = fc
  .tuple(fc.constantFrom(...PROVINCES), digits(4), birthDate, digits(3), fc.boolean())
  .map(([province, rest, date, sequence, lowerX]) => {
    const body = province + rest + date + sequence;
    const check = idCheck(body);
    return body + (lowerX ? check.toLowerCase() : check);
  });

const mobile = fc
  .tuple(
    fc.constantFrom('', '+86 ', '+86', '0086-', '86'),
    fc.constantFrom(...'3456789'),
    digits(9),
    fc.constantFrom('', ' ', '-'),
  )
  .map(
    ([prefix, second, rest, sep]) =>
      `${prefix}1${second}${rest.slice(0, 1)}${sep}${rest.slice(1, 5)}${sep}${rest.slice(5)}`,
  );

const landline = fc
  .tuple(
    fc.constantFrom('010', '021', '0755', '0571', '0311'),
    fc.constantFrom(...'23456789'),
    digits(6, 7),
    fc.boolean(),
  )
  .map(([area, first, rest, parenthesised]) => (parenthesised ? `(${area}) ` : `${area}-`) + first + rest);

const label = charsFrom('abcdefghijklmnopqrstuvwxyz0123456789', 1).chain((first) =>
  digits(0, 3).map((tail) => first + tail),
);
const email = fc
  .tuple(
    charsFrom('abcdefghijklmnopqrstuvwxyz', 1),
    fc.array(label, { maxLength: 2 }),
    label,
    charsFrom('abcdefghijklmnopqrstuvwxyz', 3),
  )
  .map(([first, localParts, domain, tld]) => `${[first, ...localParts].join('.')}@${domain}.${tld}`);

const bankCard = fc
  .tuple(
    fc.constantFrom('62', '4', '51', '35', '60'),
    fc.integer({ min: 16, max: 19 }),
    digits(18),
    fc.constantFrom('', ' ', '-'),
  )
  .map(([prefix, length, filler, sep]) => {
    const card = luhnComplete(prefix + filler.slice(0, length - prefix.length - 1));
    return sep === '' ? card : card.replace(/(\d{4})(?=\d)/g, `$1${sep}`);
  })
  .filter((card) => !isValidIdCard(card.replace(/\D/g, ''), TODAY));

const AUTHORITY_TYPES = ['11', '12', '13', '19', '51', '52', '53', '59', '91', '92', '93', 'Y1', '31', 'N2'];
const uscc = fc
  .tuple(
    fc.constantFrom(...AUTHORITY_TYPES),
    fc.constantFrom(...PROVINCES),
    digits(4),
    charsFrom(USCC_ALPHABET, 8),
  )
  .map(([authorityType, province, county, org]) => usccComplete(authorityType + province + county + org))
  .filter((code) => !isValidIdCard(code, TODAY));

const passport = fc.oneof(
  digits(8).map((d) => `E${d}`),
  digits(8).map((d) => `G${d}`),
  fc.tuple(charsFrom('ABCDEFGHJKLMNPQRSTUVWXYZ', 1), digits(7)).map(([l, d]) => `E${l}${d}`),
);

const plate = fc
  .tuple(
    charsFrom(PLATE_PROVINCES, 1),
    charsFrom(PLATE_LETTERS, 1),
    fc.constantFrom('', '·', ' '),
    digits(5),
    fc.boolean(),
  )
  .map(
    ([province, letter, sep, serial, newEnergy]) =>
      `${province}${letter}${sep}${newEnergy ? `D${serial}` : serial}`,
  );

const octet = fc.integer({ min: 0, max: 255 }).map(String);
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const hextet = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
const ipv6 = fc.oneof(
  fc.array(hextet, { minLength: 8, maxLength: 8 }).map((h) => h.join(':')),
  fc
    .tuple(fc.array(hextet, { minLength: 1, maxLength: 3 }), fc.array(hextet, { minLength: 1, maxLength: 3 }))
    .map(([head, tail]) => `${head.join(':')}::${tail.join(':')}`),
  ipv4.map((v4) => `::ffff:${v4}`),
);

/** A valid value of every type, with the text that must precede it (passports need context). */
const VALUES: Record<PiiType, fc.Arbitrary<string>> = {
  'pii.id_card': idCard,
  'pii.mobile': mobile,
  'pii.landline': landline,
  'pii.email': email,
  'pii.bank_card': bankCard,
  'pii.uscc': uscc,
  'pii.passport': passport,
  'pii.plate': plate,
  'pii.ip': fc.oneof(ipv4, ipv6),
};
const CONTEXT: Partial<Record<PiiType, string>> = { 'pii.passport': '护照号码：' };

const typedValue = fc
  .constantFrom(...(Object.keys(VALUES) as PiiType[]))
  .chain((type) => VALUES[type].map((value) => ({ type, value })));
const chinese = fc.string({
  unit: fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((code) => String.fromCharCode(code)),
  maxLength: 30,
});

function expectWellFormed(text: string, matches: readonly PiiMatch[]): void {
  let previousEnd = 0;
  for (const match of matches) {
    expect(match.start).toBeGreaterThanOrEqual(previousEnd);
    expect(match.end).toBeGreaterThan(match.start);
    expect(match.end).toBeLessThanOrEqual(text.length);
    expect(text.slice(match.start, match.end)).toBe(match.value);
    previousEnd = match.end;
  }
}

// ---------- properties ----------

describe('PII properties', () => {
  it('finds every valid ID embedded anywhere in Chinese text, with exact offsets', () => {
    fc.assert(
      fc.property(chinese, idCard, fc.nat(), (filler, id, at) => {
        const cut = at % (filler.length + 1);
        const text = filler.slice(0, cut) + id + filler.slice(cut);
        expect(detectPii(text, { referenceDate: TODAY })).toEqual([
          { type: 'pii.id_card', start: cut, end: cut + 18, value: id },
        ]);
      }),
    );
  });

  it('never reports an ID with one digit changed (the check character catches it)', () => {
    fc.assert(
      fc.property(
        idCard,
        fc.integer({ min: 0, max: 17 }),
        fc.integer({ min: 1, max: 9 }),
        (id, position, shift) => {
          const original = id[position]!;
          const replacement = /\d/.test(original) ? String((Number(original) + shift) % 10) : String(shift);
          const mutated = id.slice(0, position) + replacement + id.slice(position + 1);
          const matches = detectPii(`号码${mutated}。`, { referenceDate: TODAY });
          expect(matches.filter((m) => m.type === 'pii.id_card')).toEqual([]);
        },
      ),
    );
  });

  it('finds every generated value of every type at its exact position', () => {
    fc.assert(
      fc.property(chinese, typedValue, chinese, (before, { type, value }, after) => {
        const prefix = before + (CONTEXT[type] ?? '');
        const text = prefix + value + after;
        expect(detectPii(text, { referenceDate: TODAY })).toContainEqual({
          type,
          start: prefix.length,
          end: prefix.length + value.length,
          value,
        });
      }),
    );
  });

  it('never leaves the original value in the redacted text, for any type and mode', () => {
    fc.assert(
      fc.property(
        chinese,
        typedValue,
        chinese,
        fc.constantFrom<RedactionMode>('mask', 'placeholder', 'pseudonym'),
        fc.string({ minLength: 1 }),
        (before, { type, value }, after, mode, key) => {
          const text = before + (CONTEXT[type] ?? '') + value + after;
          const matches = detectPii(text, { referenceDate: TODAY });
          expect(matches.map((m) => m.type)).toContain(type);
          const result = redactPii(text, matches, mode, { key });
          expect(result.text).not.toContain(value);
          for (const r of result.replacements) expect(r.replacement).not.toContain(value);
        },
      ),
    );
  });

  it('gives stable pseudonyms per key and different ones across keys', () => {
    fc.assert(
      fc.property(
        typedValue,
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        ({ type, value }, keyA, keyB) => {
          fc.pre(keyA !== keyB);
          const text = (CONTEXT[type] ?? '') + value;
          const matches = detectPii(text, { referenceDate: TODAY }).filter((m) => m.type === type);
          const tokenA = redactPii(text, matches, 'pseudonym', { key: keyA }).text;
          expect(redactPii(text, matches, 'pseudonym', { key: keyA }).text).toBe(tokenA);
          expect(redactPii(text, matches, 'pseudonym', { key: keyB }).text).not.toBe(tokenA);
        },
      ),
    );
  });

  it('returns in-bounds, sorted, non-overlapping matches for arbitrary mixtures', () => {
    const fragment = fc.oneof(
      chinese,
      typedValue.map(({ value }) => value),
      fc.string({ unit: 'binary', maxLength: 8 }),
      digits(1, 25),
      fc.constantFrom(' ', '-', '.', '@', ':', '护照', '\uD800', '\uDC00', '１３８'),
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 12 }), (fragments) => {
        const text = fragments.join('');
        expectWellFormed(text, detectPii(text, { referenceDate: TODAY }));
      }),
      { numRuns: 300 },
    );
  });

  it('reports the same matches for any requested subset of types as filtering the full result', () => {
    const types = Object.keys(VALUES) as PiiType[];
    fc.assert(
      fc.property(fc.array(typedValue, { maxLength: 5 }), fc.subarray(types), (values, wanted) => {
        const text = values.map(({ type, value }) => (CONTEXT[type] ?? '') + value).join('，');
        const all = detectPii(text, { referenceDate: TODAY });
        expect(detectPii(text, { referenceDate: TODAY, types: wanted })).toEqual(
          all.filter((m) => wanted.includes(m.type)),
        );
      }),
    );
  });
});
