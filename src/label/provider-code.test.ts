import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { usccCheckChar } from '../engine/pii/index.js';
import { makeProviderCode, parseProviderCode, requireProviderCode } from './provider-code.js';

const REAL = ['001191110102MACQD9K64010000', '001191110102MAD55U9H0F10002', '001191440300708461136T1XGW3'];
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

describe('provider codes (TC260-PG-20252A)', () => {
  it('accepts codes seen in real labelled files and splits them', () => {
    for (const code of REAL) expect(parseProviderCode(code).ok).toBe(true);
    expect(parseProviderCode(REAL[2] as string)).toEqual({
      ok: true,
      value: { code: REAL[2], uscc: '91440300708461136T', extension: '1XGW3', role: 'generation' },
    });
  });

  it('rejects a wrong USCC check character (GB 32100)', () => {
    const code = REAL[0] as string; // USCC 91110102MACQD9K640
    const wrong = code.slice(0, 21) + (code[21] === '1' ? '2' : '1') + code.slice(22);
    const r = parseProviderCode(wrong);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/unified social credit code/);
  });

  it('rejects the wrong length, format, subject type, alphabet and extension', () => {
    const base = REAL[0] as string;
    const cases: [string, RegExp][] = [
      [base.slice(1), /27 characters/],
      [`${base}0`, /27 characters/],
      [`01${base.slice(2)}`, /format code/],
      [`0012${base.slice(4)}`, /subject type/],
      [base.toLowerCase(), /upper-case/],
      [`${base.slice(0, 22)}30000`, /service extension/],
    ];
    for (const [code, reason] of cases) {
      const r = parseProviderCode(code);
      expect(r.ok, code).toBe(false);
      expect(!r.ok && r.reason, code).toMatch(reason);
    }
  });

  it('every single-character substitution inside the USCC is caught', () => {
    const code = REAL[1] as string;
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 21 }),
        fc.integer({ min: 1, max: ALPHABET.length - 1 }),
        (pos, shift) => {
          const old = ALPHABET.indexOf(code[pos] as string);
          const replaced = ALPHABET[(old + shift) % ALPHABET.length] as string;
          return !parseProviderCode(code.slice(0, pos) + replaced + code.slice(pos + 1)).ok;
        },
      ),
    );
  });

  it('roles: generation 1xxxx, propagation 2xxxx, 00000 fits either', () => {
    const uscc = '91110102MACQD9K640';
    expect(parseProviderCode(makeProviderCode(uscc, '20001'))).toMatchObject({
      ok: true,
      value: { role: 'propagation' },
    });
    expect(parseProviderCode(makeProviderCode(uscc, '00000'))).toMatchObject({
      ok: true,
      value: { role: 'unspecified' },
    });
    expect(() => requireProviderCode(makeProviderCode(uscc, '20001'), 'generation', 'producer')).toThrow(
      /propagation service/,
    );
    expect(() => requireProviderCode(makeProviderCode(uscc, '10001'), 'propagation', 'propagator')).toThrow(
      /generation service/,
    );
    expect(requireProviderCode(makeProviderCode(uscc, '00000'), 'propagation', 'p').uscc).toBe(uscc);
  });

  it('makeProviderCode builds the code from a USCC and refuses a bad one', () => {
    expect(makeProviderCode('91110102MAD55U9H0F', '10002')).toBe(REAL[1]);
    expect(makeProviderCode('91110102MACQD9K640')).toBe(REAL[0]);
    const body = '91110102MACQD9K64';
    expect(usccCheckChar(body)).toBe('0');
    expect(() => makeProviderCode(`${body}1`)).toThrow(/unified social credit code/);
  });
});
