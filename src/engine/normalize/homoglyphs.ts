/**
 * Homoglyph step: characters that are drawn like an ASCII letter or digit become that letter or digit.
 *
 * Two sources:
 *  - a hand-kept table of Cyrillic and Greek letters that look like Latin ones (сасао → cacao), Latin small
 *    capitals (ᴀʙᴄ — "fancy text" generators), and enclosed digits/letters Unicode gives no decomposition
 *    (🅐 🅰 ❶ ➀ ⓫ ⓵ ⓿);
 *  - letters and digits derived from NFKC for the enclosed/stylised blocks (ⓕ ⑴ ⒜ ⒈ 🄐 𝐟 𝔣 ｆ ℌ), keeping
 *    only the ASCII letters/digits of the decomposition, so ⑴ → 1 rather than NFKC's "(1)".
 * Regional indicators (🇨🇳) are left alone: they are flags, i.e. emoji, i.e. separators.
 */

const LOOKALIKES: Readonly<Record<string, string>> = {
  // Cyrillic
  А: 'A',
  а: 'a',
  В: 'B',
  Е: 'E',
  е: 'e',
  Ѕ: 'S',
  ѕ: 's',
  І: 'I',
  і: 'i',
  Ј: 'J',
  ј: 'j',
  К: 'K',
  к: 'k',
  М: 'M',
  Н: 'H',
  О: 'O',
  о: 'o',
  Р: 'P',
  р: 'p',
  С: 'C',
  с: 'c',
  Т: 'T',
  У: 'Y',
  у: 'y',
  Х: 'X',
  х: 'x',
  Һ: 'H',
  һ: 'h',
  Ԁ: 'D',
  ԁ: 'd',
  Ԛ: 'Q',
  ԛ: 'q',
  Ԝ: 'W',
  ԝ: 'w',
  Ӏ: 'I',
  ӏ: 'l',
  Ү: 'Y',
  ү: 'y',
  // Greek
  Α: 'A',
  α: 'a',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  ι: 'i',
  Κ: 'K',
  κ: 'k',
  Μ: 'M',
  Ν: 'N',
  ν: 'v',
  Ο: 'O',
  ο: 'o',
  Ρ: 'P',
  ρ: 'p',
  Τ: 'T',
  Υ: 'Y',
  υ: 'u',
  Χ: 'X',
  χ: 'x',
  Ϲ: 'C',
  ϲ: 'c',
  Ϳ: 'J',
  ϳ: 'j',
  // Latin small capitals
  ᴀ: 'a',
  ʙ: 'b',
  ᴄ: 'c',
  ᴅ: 'd',
  ᴇ: 'e',
  ꜰ: 'f',
  ɢ: 'g',
  ʜ: 'h',
  ɪ: 'i',
  ᴊ: 'j',
  ᴋ: 'k',
  ʟ: 'l',
  ᴍ: 'm',
  ɴ: 'n',
  ᴏ: 'o',
  ᴘ: 'p',
  ʀ: 'r',
  ꜱ: 's',
  ᴛ: 't',
  ᴜ: 'u',
  ᴠ: 'v',
  ᴡ: 'w',
  ʏ: 'y',
  ᴢ: 'z',
};

/** [first code point, first value, count]: consecutive runs of enclosed characters without a decomposition. */
const ENCLOSED_RUNS: readonly (readonly [number, number, number])[] = [
  [0x1f150, 0x41, 26], // 🅐–🅩 negative circled capital letters → A–Z
  [0x1f170, 0x41, 26], // 🅰–🆉 negative squared capital letters → A–Z
  [0x24eb, 11, 10], // ⓫–⓴ negative circled numbers 11–20
  [0x24f5, 1, 10], // ⓵–⓾ double circled digits 1–10
  [0x2776, 1, 10], // ❶–❿ dingbat negative circled digits
  [0x2780, 1, 10], // ➀–➉ dingbat circled sans-serif digits
  [0x278a, 1, 10], // ➊–➓ dingbat negative circled sans-serif digits
  [0x24ff, 0, 1], // ⓿ negative circled digit zero
  [0x1f10b, 0, 2], // 🄋 🄌 circled sans-serif digit zero, negative and not
];

/** Blocks whose NFKC decomposition carries the letter or digit the glyph shows. */
const DERIVED_BLOCKS: readonly (readonly [number, number])[] = [
  [0x2100, 0x214f], // Letterlike Symbols (ℌ ℍ ℐ …), letters only
  [0x2460, 0x24ff], // Enclosed Alphanumerics (① ⑴ ⒈ ⒜ ⓐ Ⓐ)
  [0xff10, 0xff5a], // Full-width digits and letters
  [0x1d400, 0x1d7ff], // Mathematical Alphanumeric Symbols (𝐟 𝔣 𝕗 𝟙)
  [0x1f100, 0x1f1ff], // Enclosed Alphanumeric Supplement (🄐 🄰 🄋), regional indicators excluded below
];

const LETTERLIKE_START = 0x2100;
const REGIONAL_INDICATORS_START = 0x1f1e6;
const REGIONAL_INDICATORS_END = 0x1f1ff;
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
const ASCII_ALNUM = /^[A-Za-z0-9]+$/;

let table: ReadonlyMap<number, string> | undefined;

/** Code point → ASCII replacement, for every character the step changes. Built once, on first use. */
export function getHomoglyphTable(): ReadonlyMap<number, string> {
  table ??= buildHomoglyphTable();
  return table;
}

function buildHomoglyphTable(): Map<number, string> {
  const map = new Map<number, string>();
  for (const [first, last] of DERIVED_BLOCKS) {
    for (let cp = first; cp <= last; cp++) {
      if (cp >= REGIONAL_INDICATORS_START && cp <= REGIONAL_INDICATORS_END) continue;
      const derived = deriveFromNfkc(cp, first === LETTERLIKE_START);
      if (derived !== undefined) map.set(cp, derived);
    }
  }
  for (const [first, value, count] of ENCLOSED_RUNS) {
    for (let k = 0; k < count; k++) {
      map.set(first + k, value >= 0x41 ? String.fromCharCode(value + k) : String(value + k));
    }
  }
  for (const [from, to] of Object.entries(LOOKALIKES)) map.set(from.codePointAt(0) ?? 0, to);
  return map;
}

function deriveFromNfkc(codePoint: number, lettersOnly: boolean): string | undefined {
  const char = String.fromCodePoint(codePoint);
  if (lettersOnly && !LETTER_OR_DIGIT.test(char)) return undefined;
  const decomposed = char.normalize('NFKC');
  if (decomposed === char) return undefined;
  const alnum = decomposed.replace(/[^A-Za-z0-9]/g, '');
  // Only when the decomposition is the letter/digit plus decoration: "(1)" "1." yes, "a/c" "TEL" no.
  const decoration = decomposed.length - alnum.length;
  if (!ASCII_ALNUM.test(alnum) || decoration > 2) return undefined;
  return alnum;
}

export function foldHomoglyph(codePoint: number): string {
  return getHomoglyphTable().get(codePoint) ?? String.fromCodePoint(codePoint);
}
