import { describe, expect, it } from 'vitest';
import { isInvisible } from './invisible.js';

describe('isInvisible', () => {
  it('recognises zero-width, bidi, variation selectors, soft hyphen, fillers, tags', () => {
    const invisible = [
      0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x202e, 0x2066, 0xfe0f, 0xe0100, 0x00ad, 0x3164, 0xe0041,
    ];
    for (const cp of invisible) expect(isInvisible(cp), cp.toString(16)).toBe(true);
  });
  it('does not touch visible characters or ordinary spaces', () => {
    for (const char of ['a', ' ', '\n', '赌', '🎲', '\u3000', '\u00a0'])
      expect(isInvisible(char.codePointAt(0) ?? 0)).toBe(false);
  });
});
