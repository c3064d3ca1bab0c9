import { describe, expect, it } from 'vitest';
import { plateRecognizer } from './plate.js';
import { scanInput } from './scan.js';

const find = (text: string) => plateRecognizer.find(scanInput(text));

describe('plateRecognizer', () => {
  it.each([
    ['粤B12345', '车牌粤B12345违章'],
    ['京A·F0236', '京A·F0236'],
    ['沪C 8A88B', '沪C 8A88B'],
    ['苏E-12345', '苏E-12345'],
    ['粤BD12345', '新能源粤BD12345'],
    ['浙AFA1234', '浙AFA1234'],
    ['川A12345D', '大型新能源川A12345D'],
    ['粤B1234学', '教练车粤B1234学'],
    ['粤ｂ１２３４５', '粤ｂ１２３４５'],
  ])('finds %s', (value, text) => {
    expect(find(text)).toEqual([
      { type: 'pii.plate', start: text.indexOf(value), end: text.indexOf(value) + value.length, value },
    ]);
  });

  it.each([
    ['letter I', '粤B1234I'],
    ['letter O', '粤O12345'],
    ['too short', '粤B1234'],
    ['too long', '粤B1234567'],
    ['not a province', '港B12345'],
    ['three letters in the serial', '京AABC12'],
    ['followed by more alphanumerics', '粤B12345X9'],
  ])('ignores %s', (_name, text) => {
    expect(find(text)).toEqual([]);
  });
});
