/**
 * Width folding that never changes length: full-width ASCII variants (U+FF01–FF5E, e.g. `１３８`, `＠`,
 * `（`) and the ideographic space map to their ASCII counterparts one code unit for one. Recognisers
 * match on the folded copy and report offsets that are therefore valid in the original text.
 */
const FULL_WIDTH = /[\uFF01-\uFF5E\u3000]/g;
const FULL_WIDTH_OFFSET = 0xff01 - 0x21;

export function foldWidth(text: string): string {
  return text.replace(FULL_WIDTH, (ch) =>
    ch === '\u3000' ? ' ' : String.fromCharCode(ch.charCodeAt(0) - FULL_WIDTH_OFFSET),
  );
}
