import { describe, expect, it } from 'vitest';
import { HeguiError } from '../errors.js';
import { scanInput } from './scan.js';
import { isValidUscc, orgCodeCheckChar, usccCheckChar, usccRecognizer } from './uscc.js';

const find = (text: string) => usccRecognizer.find(scanInput(text));
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Independent GB 11714: Σ value·weight, C9 = 11 − Σ mod 11 (10 → X, 11 → 0); A=10 … Z=35. */
function orgCheck(body8: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body8].reduce(
    (acc, ch, i) => acc + '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'.indexOf(ch) * weights[i]!,
    0,
  );
  return ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X', '0'][11 - (sum % 11)]!;
}

/** Independent GB 32100: weights 3^i mod 31, C18 = 31 − Σ mod 31 (31 → 0). */
function makeUscc(prefix8: string, orgBody8: string, orgCheckChar = orgCheck(orgBody8)): string {
  const first17 = prefix8 + orgBody8 + orgCheckChar;
  let weight = 1;
  let sum = 0;
  for (const ch of first17) {
    sum += ALPHABET.indexOf(ch) * weight;
    weight = (weight * 3) % 31;
  }
  return first17 + ALPHABET[(31 - (sum % 31)) % 31];
}

describe('check characters', () => {
  it('accept the GB 32100 sample 91350100M000100Y43', () => {
    expect(orgCodeCheckChar('M000100Y')).toBe('4');
    expect(usccCheckChar('91350100M000100Y4')).toBe('3');
    expect(isValidUscc('91350100M000100Y43')).toBe(true);
  });
  it('agree with independent implementations', () => {
    for (const [prefix, body] of [
      ['91440300', '70846113'],
      ['51110000', 'MJ012345'],
      ['12100000', '40000000'],
      ['Y1310115', 'AB12CD34'],
    ] as const) {
      const code = makeUscc(prefix, body);
      expect(orgCodeCheckChar(body)).toBe(code[16]);
      expect(usccCheckChar(code.slice(0, 17))).toBe(code[17]);
      expect(isValidUscc(code)).toBe(true);
    }
  });
  it('usccCheckChar rejects characters outside the alphabet', () => {
    expect(() => usccCheckChar('91350100M000100I4')).toThrow(HeguiError);
    expect(() => usccCheckChar('9135')).toThrow(HeguiError);
  });
});

describe('usccRecognizer', () => {
  const enterprise = makeUscc('91440300', 'MA5ABC12');
  it('finds a code with exact offsets', () => {
    const text = `统一社会信用代码：${enterprise}。`;
    expect(find(text)).toEqual([{ type: 'pii.uscc', start: 9, end: 27, value: enterprise }]);
  });
  it('finds full-width codes', () => {
    const fullWidth = enterprise.replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
    expect(find(`代码${fullWidth}`).map((m) => m.start)).toEqual([2]);
  });

  const swap = (code: string, index: number, ch: string) => code.slice(0, index) + ch + code.slice(index + 1);
  it.each([
    ['wrong final check', swap(enterprise, 17, enterprise[17] === '0' ? '1' : '0')],
    // Final check recomputed, so only the GB 11714 check inside can reject it.
    ['wrong organisation check', makeUscc('91440300', 'MA5ABC12', enterprise[16] === '1' ? '2' : '1')],
    ['letter I', swap(enterprise, 9, 'I')],
    ['letter O', swap(enterprise, 9, 'O')],
    ['letter Z', swap(enterprise, 9, 'Z')],
    ['letter S', swap(enterprise, 9, 'S')],
    ['authority 0', makeUscc('01440300', 'MA5ABC12')],
    ['type 4 under authority 9', makeUscc('94440300', 'MA5ABC12')],
    ['invalid province 99', makeUscc('91990300', 'MA5ABC12')],
    ['lower case', enterprise.toLowerCase()],
    ['embedded in a longer run', `X${enterprise}`],
  ])('ignores %s', (_name, text) => {
    expect(find(text)).toEqual([]);
  });
});
