/**
 * `pii.uscc` — unified social credit codes (GB 32100-2015), 18 characters from
 * `0123456789ABCDEFGHJKLMNPQRTUWXY` (no I, O, Z, S, V):
 *
 *   1      registration authority   (1 编制, 5 民政, 9 市场监管/工商, Y 其他 …)
 *   2      organisation type        (allowed values depend on the authority)
 *   3–8    region of the registering authority (GB/T 2260; province prefix checked, or 100000 for
 *          national-level registrations)
 *   9–17   organisation code (GB 11714-1997: 8 characters + its own MOD 11 check character)
 *   18     check character: weighted sum mod 31 over positions 1–17
 *
 * Only upper-case codes are recognised in text (the standard defines upper case only).
 */
import { HeguiError } from '../errors.js';
import { isProvinceCode } from './regions.js';
import type { PiiMatch, PiiRecognizer, ScanInput } from './types.js';

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** 3^i mod 31 for positions 1–17. */
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/**
 * Organisation type codes allowed per registration authority. GB 32100-2015 Table 1 defines
 * 1/5/9/Y; 2–8, A and N were allocated later to further registration bodies (外交, 司法行政, 文化,
 * 旅游, 宗教, 工会, 中央军委改革和编制办公室, 农业农村).
 */
const TYPES_BY_AUTHORITY: Readonly<Record<string, string>> = {
  '1': '1239', // 机关, 事业单位, 中央编办管理的群众团体, 其他
  '2': '19', // 外国常驻新闻机构, 其他
  '3': '1234569', // 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
  '4': '19', // 外国在华文化中心, 其他
  '5': '1239', // 社会团体, 民办非企业单位, 基金会, 其他
  '6': '129', // 外国/港澳台旅游部门常驻代表机构, 其他
  '7': '129', // 宗教活动场所, 宗教院校, 其他
  '8': '19', // 基层工会, 其他
  '9': '123', // 企业, 个体工商户, 农民专业合作社
  A: '19', // 军队事业单位, 其他
  N: '1239', // 组级, 村级, 乡镇级集体经济组织, 其他
  Y: '1', // 其他登记管理部门
};

function usccValue(ch: string): number {
  return USCC_ALPHABET.indexOf(ch);
}

/** GB 11714 check character of an 8-character organisation code body (A–Z count as 10–35). */
export function orgCodeCheckChar(body8: string): string | undefined {
  if (!/^[0-9A-Z]{8}$/.test(body8)) return undefined;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number.parseInt(body8[i] ?? '', 36) * (ORG_CODE_WEIGHTS[i] ?? 0);
  const check = 11 - (sum % 11);
  return check === 11 ? '0' : check === 10 ? 'X' : String(check);
}

/**
 * GB 32100 check character for the first 17 characters of a USCC. Throws `input_invalid` when the
 * input is not 17 characters of the USCC alphabet; it does not check the other structural rules.
 */
export function usccCheckChar(first17: string): string {
  if (first17.length !== 17 || [...first17].some((ch) => usccValue(ch) < 0)) {
    throw new HeguiError(
      'input_invalid',
      `expected 17 characters of ${USCC_ALPHABET}, got ${JSON.stringify(first17)}`,
    );
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += usccValue(first17[i] ?? '') * (USCC_WEIGHTS[i] ?? 0);
  return USCC_ALPHABET[(31 - (sum % 31)) % 31] ?? '';
}

function isUsccRegion(region: string): boolean {
  return /^\d{6}$/.test(region) && (region === '100000' || isProvinceCode(region.slice(0, 2)));
}

/** Full structural validation: alphabet, authority/type pair, region, organisation code check, final check. */
export function isValidUscc(code: string): boolean {
  if (code.length !== 18 || [...code].some((ch) => usccValue(ch) < 0)) return false;
  const authority = code[0] ?? '';
  const type = code[1] ?? '';
  return (
    (TYPES_BY_AUTHORITY[authority]?.includes(type) ?? false) &&
    isUsccRegion(code.slice(2, 8)) &&
    orgCodeCheckChar(code.slice(8, 16)) === code[16] &&
    usccCheckChar(code.slice(0, 17)) === code[17]
  );
}

const USCC_CANDIDATE = /(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{18}(?![0-9A-Za-z])/g;

export const usccRecognizer: PiiRecognizer = {
  type: 'pii.uscc',
  find({ text, folded }: ScanInput): PiiMatch[] {
    const matches: PiiMatch[] = [];
    for (const m of folded.matchAll(USCC_CANDIDATE)) {
      if (!isValidUscc(m[0])) continue;
      const start = m.index;
      const end = start + 18;
      matches.push({ type: 'pii.uscc', start, end, value: text.slice(start, end) });
    }
    return matches;
  },
};
