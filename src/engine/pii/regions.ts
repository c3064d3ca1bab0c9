/**
 * Province-level administrative division codes (first two digits of a GB/T 2260 code). Only the
 * province is checked: a full county table changes every year and is not needed to reject noise.
 * 71 Taiwan and 81/82 Hong Kong/Macao appear in GB/T 2260; 83 is the prefix of residence permits
 * issued to Taiwan residents (810000/820000/830000 are used for HK/Macao/Taiwan residence permits).
 */
// prettier-ignore
const PROVINCE_CODES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15', // 京 津 冀 晋 蒙
  '21', '22', '23', // 辽 吉 黑
  '31', '32', '33', '34', '35', '36', '37', // 沪 苏 浙 皖 闽 赣 鲁
  '41', '42', '43', '44', '45', '46', // 豫 鄂 湘 粤 桂 琼
  '50', '51', '52', '53', '54', // 渝 川 贵 云 藏
  '61', '62', '63', '64', '65', // 陕 甘 青 宁 新
  '71', '81', '82', '83', // 台 港 澳, residence permits
]);

export function isProvinceCode(twoDigits: string): boolean {
  return PROVINCE_CODES.has(twoDigits);
}
