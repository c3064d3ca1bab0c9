/**
 * Pinyin variants of CJK terms: people write 赌博 as "dubo", "du bo" (and long terms by their
 * initials) to slip past character lists. Variants are matched only as whole words (ASCII word
 * boundaries on both sides), so "db" never fires inside "feedback".
 */
import { pinyin } from 'pinyin-pro';

export type PinyinVariantKind = 'full' | 'initials';

export interface PinyinVariant {
  readonly text: string;
  readonly kind: PinyinVariantKind;
}

const CJK_ONLY = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$/;
/** Initials are only distinctive enough from three characters up (二字 initials collide with English). */
export const MIN_INITIALS_SYLLABLES = 3;

/** Variants for a normalised term, or none when the term is not purely CJK or is a single character. */
export function pinyinVariants(term: string): PinyinVariant[] {
  if (term.length < 2 || !CJK_ONLY.test(term)) return [];
  const syllables = pinyin(term, { toneType: 'none', type: 'array', v: true }).map((s) => s.toLowerCase());
  if (syllables.length !== term.length || syllables.some((s) => !/^[a-z]+$/.test(s))) return [];
  const variants: PinyinVariant[] = [
    { text: syllables.join(''), kind: 'full' },
    { text: syllables.join(' '), kind: 'full' },
  ];
  if (syllables.length >= MIN_INITIALS_SYLLABLES) {
    variants.push({ text: syllables.map((s) => s[0]).join(''), kind: 'initials' });
  }
  return variants;
}
