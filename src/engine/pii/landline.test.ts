import { describe, expect, it } from 'vitest';
import { landlineRecognizer } from './landline.js';
import { scanInput } from './scan.js';

const find = (text: string) => landlineRecognizer.find(scanInput(text));

describe('landlineRecognizer', () => {
  it.each([
    ['010-62345678', '北京 010-62345678。'],
    ['(0755) 8765 4321', '深圳(0755) 8765 4321'],
    ['（０７５５）87654321', '深圳（０７５５）87654321号'],
    ['021 6123 4567', '上海021 6123 4567'],
    ['0571-8765432', '杭州0571-8765432'],
    ['010-62345678-123', '总机010-62345678-123'],
    ['010-62345678转8001', '总机010-62345678转8001，'],
    ['0755-87654321 ext. 12', '0755-87654321 ext. 12'],
    ['+86 10 62345678', '+86 10 62345678'],
  ])('finds %s with exact offsets', (value, text) => {
    expect(find(text)).toEqual([
      { type: 'pii.landline', start: text.indexOf(value), end: text.indexOf(value) + value.length, value },
    ]);
  });

  it.each([
    ['no separator after area code', '01012345678'],
    ['local number starting with 0', '010-02345678'],
    ['local number starting with 1', '010-12345678'],
    ['9-digit local number', '010-623456789'],
    ['inside a longer digit run', '99010-62345678'],
    ['area code without leading 0', '755-87654321'],
    ['hyphen-joined to more digits', '1-010-62345678'],
  ])('ignores %s', (_name, text) => {
    expect(find(text)).toEqual([]);
  });
});
