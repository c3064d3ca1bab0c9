import { describe, expect, it } from 'vitest';
import { idCardCheckChar, idCardRecognizer, isValidIdCard } from './id-card.js';
import { scanInput } from './scan.js';

const TODAY = new Date(Date.UTC(2025, 5, 1));
const find = (text: string) => idCardRecognizer.find(scanInput(text, TODAY));

/** Independent ISO 7064 MOD 11-2: check = (12 - Σ dᵢ·2^(17-i) mod 11) mod 11, 10 → X. */
function withCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
  const check = (12 - (sum % 11)) % 11;
  return first17 + (check === 10 ? 'X' : String(check));
}

describe('idCardCheckChar', () => {
  it('matches the GB 11643 worked example 11010519491231002X', () => {
    expect(idCardCheckChar('11010519491231002')).toBe('X');
  });
  it('agrees with an independent formulation', () => {
    for (const body of ['44030419900307001', '32010619850101123', '65010220000229456', '81000019991231009']) {
      expect(body + idCardCheckChar(body)).toBe(withCheck(body));
    }
  });
  it('rejects non-digit bodies', () => {
    expect(idCardCheckChar('1101051949123100')).toBeUndefined();
    expect(idCardCheckChar('1101051949123100A')).toBeUndefined();
  });
});

describe('idCardRecognizer', () => {
  const leapDay = withCheck('32010620000229123');
  it.each([
    ['plain', `身份证号${withCheck('44030419900307001')}。`],
    ['lower-case x', `id: ${'11010519491231002x'} ok`],
    ['leap day 2000', `生日在 ${leapDay} 里`],
    ['HK residence permit', withCheck('81000019991231009')],
    ['full-width digits', `证件：${toFullWidth(withCheck('44030419900307001'))}`],
  ])('finds %s', (_name, text) => {
    const matches = find(text);
    expect(matches).toHaveLength(1);
    const [match] = matches;
    expect(match?.type).toBe('pii.id_card');
    expect(text.slice(match?.start, match?.end)).toBe(match?.value);
    expect(match?.value).toHaveLength(18);
  });

  it('reports exact offsets', () => {
    const id = withCheck('11010519900307001');
    expect(find(`AB，${id}，CD`)).toEqual([{ type: 'pii.id_card', start: 3, end: 21, value: id }]);
  });

  it('accepts a legacy 15-digit number with a valid region and date', () => {
    expect(find('旧证 110105491231002 号')).toEqual([
      { type: 'pii.id_card', start: 3, end: 18, value: '110105491231002' },
    ]);
  });

  it.each([
    [
      'wrong checksum',
      (() => {
        const id = withCheck('44030419900307001');
        return id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
      })(),
    ],
    ['impossible date 19990230', withCheck('44030419990230001')],
    ['non-leap 1900-02-29', withCheck('44030419000229001')],
    ['month 13', withCheck('44030419901301001')],
    ['future birth date', withCheck('44030420300101001')],
    ['year before 1900', withCheck('44030418991231001')],
    ['invalid province 99', withCheck('99030419900307001')],
    ['invalid province 00', withCheck('00030419900307001')],
    ['legacy with impossible date', '110105490230002'],
    ['embedded in a 25-digit run', `1234${withCheck('44030419900307001')}567`],
    ['followed by letters', `${withCheck('44030419900307001')}abc`],
    ['preceded by a letter', `A${withCheck('44030419900307001')}`],
    ['17 digits', '44030419900307001'],
    ['part of a hyphenated number', `12-${withCheck('44030419900307001')}`],
  ])('ignores %s', (_name, text) => {
    expect(find(text)).toEqual([]);
  });

  it('isValidIdCard rejects other lengths', () => {
    expect(isValidIdCard('1101051949123100')).toBe(false);
    expect(isValidIdCard('11010519491231002X')).toBe(true);
  });
});

function toFullWidth(ascii: string): string {
  return ascii.replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
}
