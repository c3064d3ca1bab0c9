import { describe, expect, it } from 'vitest';
import { HeguiError } from '../errors.js';
import { detectPii, redactPii } from './index.js';
import type { PiiMatch } from './types.js';

const TODAY = new Date(Date.UTC(2025, 0, 1));

/** Redact the single PII value in `text` and return its replacement. */
function redactOne(text: string, mode: 'mask' | 'placeholder' | 'pseudonym', key?: string): string {
  const matches = detectPii(text, { referenceDate: TODAY });
  expect(matches).toHaveLength(1);
  const result = redactPii(text, matches, mode, { key });
  return result.replacements[0]?.replacement ?? '';
}

describe('mask mode', () => {
  it.each([
    ['440304199003070018', '440304********0018'],
    ['11010519491231002X', '110105********002X'],
    ['13812345678', '138****5678'],
    ['+86 138-1234-5678', '+86 138-****-5678'],
    ['１３８１２３４５６７８', '１３８****５６７８'],
    ['010-62345678', '010-******78'],
    ['(0755) 8765 4321', '(0755) **** **21'],
    ['zhang.san@example.com', 'z***@example.com'],
    ['a@example.com', '***@example.com'],
    ['4111111111111111', '411111******1111'],
    ['4111-1111-1111-1111', '4111-11**-****-1111'],
    ['91350100M000100Y43', '91350100********43'],
    ['粤B·D12345', '粤B·******'],
    ['粤B1234学', '粤B****学'],
    ['192.168.1.10', '192.168.*.**'],
    ['2001:db8::1', '2001:db8::*'],
  ])('%s → %s', (value, masked) => {
    expect(redactOne(`前${value}后`, 'mask')).toBe(masked);
  });

  it('masks a context-gated passport', () => {
    const result = redactPii('护照E12345678', detectPii('护照E12345678'), 'mask');
    expect(result.text).toBe('护照E******78');
  });

  it('always masks at least one character', () => {
    expect(redactOne('ip 1:: end', 'mask')).toBe('*::');
  });
});

describe('placeholder mode', () => {
  it('uses the Chinese label by default and English on request', () => {
    const text = '手机13812345678，邮箱a.b@example.com';
    const matches = detectPii(text);
    expect(redactPii(text, matches, 'placeholder').text).toBe('手机[手机号]，邮箱[邮箱]');
    expect(redactPii(text, matches, 'placeholder', { language: 'en' }).text).toBe(
      '手机[Mobile number]，邮箱[Email]',
    );
  });
});

describe('pseudonym mode', () => {
  it('gives the same token for the same value and key, in any spelling', () => {
    const tokens = ['13812345678', '138-1234-5678', '+86 138 1234 5678', '１３８１２３４５６７８'].map((v) =>
      redactOne(`号${v}。`, 'pseudonym', 'secret'),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).toMatch(/^\[手机号#[0-9a-f]{8}\]$/);
  });

  it('gives different tokens for different keys and different values', () => {
    const a = redactOne('13812345678', 'pseudonym', 'key-a');
    expect(redactOne('13812345678', 'pseudonym', 'key-b')).not.toBe(a);
    expect(redactOne('13812345679', 'pseudonym', 'key-a')).not.toBe(a);
  });

  it('honours tokenHexLength and accepts binary keys', () => {
    const text = '13812345678';
    const result = redactPii(text, detectPii(text), 'pseudonym', {
      key: new Uint8Array([1, 2, 3]),
      tokenHexLength: 16,
    });
    expect(result.text).toMatch(/^\[手机号#[0-9a-f]{16}\]$/);
  });

  it('refuses to run without a key', () => {
    const text = '13812345678';
    expect(() => redactPii(text, detectPii(text), 'pseudonym')).toThrow(HeguiError);
    expect(() => redactPii(text, detectPii(text), 'pseudonym', { key: '' })).toThrow(/secret key/);
  });
});

describe('redactPii', () => {
  it('keeps offsets right with several replacements of different lengths', () => {
    const text = 'a 13812345678 b 010-62345678 c x@example.com d';
    const matches = detectPii(text);
    const result = redactPii(text, matches, 'placeholder');
    expect(result.text).toBe('a [手机号] b [固定电话] c [邮箱] d');
    expect(result.replacements.map((r) => text.slice(r.start, r.end))).toEqual([
      '13812345678',
      '010-62345678',
      'x@example.com',
    ]);
  });

  it('leaves text without matches unchanged', () => {
    expect(redactPii('没有个人信息', [], 'mask')).toEqual({ text: '没有个人信息', replacements: [] });
  });

  it('resolves overlapping matches it is given', () => {
    const text = '13812345678@qq.com';
    const matches: PiiMatch[] = [
      { type: 'pii.mobile', start: 0, end: 11, value: '13812345678' },
      { type: 'pii.email', start: 0, end: 18, value: text },
    ];
    expect(redactPii(text, matches, 'placeholder').text).toBe('[邮箱]');
  });

  it.each([
    ['out of bounds', { type: 'pii.mobile', start: 5, end: 16, value: '13812345678' }],
    ['empty span', { type: 'pii.mobile', start: 0, end: 0, value: '' }],
    ['value differs from the text', { type: 'pii.mobile', start: 0, end: 11, value: '13900000000' }],
  ] as const)('rejects a match that does not fit the text: %s', (_name, match) => {
    expect(() => redactPii('13812345678', [match], 'mask')).toThrow(HeguiError);
  });
});
