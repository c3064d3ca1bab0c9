/**
 * Evasion suite: banned terms written the way people write them to slip past a plain keyword list.
 * Each case names the normalisation step it exercises, the banned term, a sentence embedding the
 * evasion, and the exact evasion substring (the span a hit must cover in the original text).
 *
 * Used by `npm run bench` (every contender runs every case) and by `test/evasion.test.ts` (hegui must
 * catch all of them with the exact span, and fire on none of the negative cases).
 */

export type EvasionStep =
  | 'space'
  | 'punctuation'
  | 'emoji'
  | 'invisible'
  | 'traditional'
  | 'fullwidth'
  | 'case'
  | 'homoglyph'
  | 'stylised'
  | 'fullwidth-digits'
  | 'combination'
  | 'pinyin';

export const EVASION_STEPS: readonly EvasionStep[] = [
  'space',
  'punctuation',
  'emoji',
  'invisible',
  'traditional',
  'fullwidth',
  'case',
  'homoglyph',
  'stylised',
  'fullwidth-digits',
  'combination',
  'pinyin',
];

export interface EvasionTerm {
  readonly term: string;
  /** Taxonomy code: A1h (other illegal content: gambling, drugs, fraud, weapons), A1f (obscenity). */
  readonly category: string;
}

/** The banned terms of the suite. Pinyin variants are compiled for {@link PINYIN_CATEGORIES}. */
export const EVASION_TERMS: readonly EvasionTerm[] = [
  { term: '赌博', category: 'A1h' },
  { term: '冰毒', category: 'A1h' },
  { term: '海洛因', category: 'A1h' },
  { term: '摇头丸', category: 'A1h' },
  { term: '代开发票', category: 'A1h' },
  { term: '洗钱', category: 'A1h' },
  { term: '办假证', category: 'A1h' },
  { term: '枪支', category: 'A1h' },
  { term: '迷药', category: 'A1h' },
  { term: '六合彩', category: 'A1h' },
  { term: '54式手枪', category: 'A1h' },
  { term: 'k粉', category: 'A1h' },
  { term: 'ak47', category: 'A1h' },
  { term: 'm16', category: 'A1h' },
  { term: 'cocaine', category: 'A1h' },
  { term: 'fuck', category: 'A1f' },
  { term: 'porn', category: 'A1f' },
  { term: 'shit', category: 'A1f' },
  { term: 'ass', category: 'A1f' },
];

export const PINYIN_CATEGORIES: readonly string[] = ['A1h'];

/** The term list as a keyword text file (`term<TAB>category` per line), for parseKeywordText. */
export function evasionLibraryText(): string {
  return EVASION_TERMS.map(({ term, category }) => `${term}\t${category}`).join('\n') + '\n';
}

export interface EvasionCase {
  readonly id: string;
  readonly step: EvasionStep;
  /** The banned term (one of EVASION_TERMS). */
  readonly term: string;
  /** A sentence containing the evasion. */
  readonly text: string;
  /** The evasion exactly as it appears in `text`; a hit must cover exactly this span. */
  readonly evasion: string;
  readonly category: string;
}

const CATEGORY = new Map(EVASION_TERMS.map(({ term, category }) => [term, category]));

/** `text` uses `{}` as the place of the evasion. */
function c(id: string, step: EvasionStep, term: string, evasion: string, template: string): EvasionCase {
  const category = CATEGORY.get(term);
  if (category === undefined) throw new Error(`evasion case ${id}: term "${term}" is not in EVASION_TERMS`);
  if (!template.includes('{}')) throw new Error(`evasion case ${id}: template has no {}`);
  return { id, step, term, text: template.replace('{}', evasion), evasion, category };
}

export const EVASION_CASES: readonly EvasionCase[] = [
  // Inserted spaces (ASCII, ideographic U+3000, no-break U+00A0, several).
  c('space-1', 'space', '赌博', '赌 博', '周末一起去{}吧，地址私聊'),
  c('space-2', 'space', '冰毒', '冰  毒', '有人在群里卖{}，快举报'),
  c('space-3', 'space', '代开发票', '代 开 发 票', '专业{}，价格优惠'),
  c('space-4', 'space', '海洛因', '海\u3000洛\u3000因', '他因为贩卖{}被抓了'),
  c('space-5', 'space', '洗钱', '洗\u00a0钱', '帮人{}的后果很严重'),

  // Inserted punctuation and symbols.
  c('punct-1', 'punctuation', '赌博', '赌*博', '线上{}平台，注册就送'),
  c('punct-2', 'punctuation', '赌博', '赌.博', '别沉迷{}了'),
  c('punct-3', 'punctuation', '赌博', '赌、博', '他天天{}输光了家产'),
  c('punct-4', 'punctuation', '摇头丸', '摇-头-丸', '酒吧里有人兜售{}'),
  c('punct-5', 'punctuation', '办假证', '办|假|证', '本店{}，请加微信'),
  c('punct-6', 'punctuation', '迷药', '迷#药', '网上居然能买到{}'),

  // Inserted emoji (astral, BMP dingbats, emoji with variation selector).
  c('emoji-1', 'emoji', '赌博', '赌🎲博', '来玩{}游戏'),
  c('emoji-2', 'emoji', '冰毒', '冰❄毒', '出{}，量大从优'),
  c('emoji-3', 'emoji', '六合彩', '六😀合😀彩', '今晚{}开奖'),
  c('emoji-4', 'emoji', '枪支', '枪🔫支', '私下买卖{}是违法的'),
  c('emoji-5', 'emoji', '洗钱', '洗❤️钱', '地下钱庄{}'),

  // Zero-width and bidi controls.
  c('invisible-1', 'invisible', '赌博', '赌\u200b博', '正规{}网站'),
  c('invisible-2', 'invisible', '冰毒', '冰\u200d毒', '哪里有{}卖'),
  c('invisible-3', 'invisible', '代开发票', '代\u200c开\u2060发\ufeff票', '长期{}'),
  c('invisible-4', 'invisible', '海洛因', '海\u202e洛\u202c因', '{}的危害'),
  c('invisible-5', 'invisible', 'fuck', 'fu\u200bck', 'oh {} this'),
  c('invisible-6', 'invisible', 'porn', 'po\u00adrn', 'free {} site'),

  // Traditional characters.
  c('traditional-1', 'traditional', '赌博', '賭博', '網上{}害人'),
  c('traditional-2', 'traditional', '代开发票', '代開發票', '專業{}'),
  c('traditional-3', 'traditional', '洗钱', '洗錢', '涉嫌{}被起訴'),
  c('traditional-4', 'traditional', '办假证', '辦假證', '街頭{}的小廣告'),
  c('traditional-5', 'traditional', '摇头丸', '搖頭丸', '販賣{}'),
  c('traditional-6', 'traditional', '枪支', '槍支', '非法持有{}'),
  c('traditional-7', 'traditional', '迷药', '迷藥', '出售{}'),

  // Full-width Latin letters.
  c('fullwidth-1', 'fullwidth', 'fuck', 'ｆｕｃｋ', '这也太{}了'),
  c('fullwidth-2', 'fullwidth', 'porn', 'ｐｏｒｎ', '免费看{}的网站'),
  c('fullwidth-3', 'fullwidth', 'shit', 'ｓｈｉｔ', '真是{}'),
  c('fullwidth-4', 'fullwidth', 'cocaine', 'ｃｏｃａｉｎｅ', '一包{}'),
  c('fullwidth-5', 'fullwidth', 'k粉', 'ｋ粉', '出售{}'),

  // Upper and mixed case.
  c('case-1', 'case', 'fuck', 'FUCK', '{} you'),
  c('case-2', 'case', 'porn', 'PoRn', 'watch {} here'),
  c('case-3', 'case', 'shit', 'Shit', '{}, that hurts'),
  c('case-4', 'case', 'cocaine', 'CoCaInE', 'selling {} cheap'),
  c('case-5', 'case', 'k粉', 'K粉', '有{}吗'),

  // Cyrillic and Greek look-alikes.
  c('homoglyph-1', 'homoglyph', 'porn', '\u0440orn', 'free {} videos'), // Cyrillic р
  c('homoglyph-2', 'homoglyph', 'porn', 'p\u043ern', 'best {} site'), // Cyrillic о
  c('homoglyph-3', 'homoglyph', 'fuck', 'fu\u0441k', 'what the {}'), // Cyrillic с
  c('homoglyph-4', 'homoglyph', 'shit', '\u0455hit', 'holy {}'), // Cyrillic ѕ
  c('homoglyph-5', 'homoglyph', 'cocaine', 'c\u03bfcaine', 'buy {} now'), // Greek ο
  c('homoglyph-6', 'homoglyph', 'ak47', '\u0391\u039a47', '一把{}步枪'), // Greek Α Κ

  // Circled, negative-circled, mathematical and small-capital letters.
  c('stylised-1', 'stylised', 'fuck', 'ⓕⓤⓒⓚ', '{} off'),
  c('stylised-2', 'stylised', 'fuck', '𝐟𝐮𝐜𝐤', 'oh {}'),
  c('stylised-3', 'stylised', 'porn', '𝔭𝔬𝔯𝔫', 'free {}'),
  c('stylised-4', 'stylised', 'porn', '🅟🅞🅡🅝', '看{}'),
  c('stylised-5', 'stylised', 'shit', '𝕤𝕙𝕚𝕥', 'such {}'),
  c('stylised-6', 'stylised', 'porn', 'ᴘᴏʀɴ', 'free {} here'),

  // Full-width digits in terms containing digits.
  c('digits-1', 'fullwidth-digits', '54式手枪', '５４式手枪', '出售{}一把'),
  c('digits-2', 'fullwidth-digits', 'ak47', 'AK４７', '一把{}'),
  c('digits-3', 'fullwidth-digits', 'ak47', 'ａｋ４７', '仿真{}步枪'),
  c('digits-4', 'fullwidth-digits', 'm16', 'Ｍ１６', '{}自动步枪'),
  c('digits-5', 'fullwidth-digits', '54式手枪', '5４式手枪', '买{}'),

  // Several steps at once.
  c('combo-1', 'combination', '赌博', '賭\u200b 博', '網上{}平台'),
  c('combo-2', 'combination', '代开发票', '代開 發\u200b*票', '長期{}'),
  c('combo-3', 'combination', '摇头丸', '搖🎲頭 丸', '賣{}'),
  c('combo-4', 'combination', 'fuck', 'ＦＵ\u200bＣＫ', '{} you'),
  c('combo-5', 'combination', 'porn', 'Ｐ\u200b\u043eＲ\u039d', 'free {} site'),
  c('combo-6', 'combination', '办假证', '辦\u200d、假 證', '專業{}'),
  c('combo-7', 'combination', '54式手枪', '５４式 手\u200b槍', '出售{}'),

  // Pinyin (full syllables, spaced syllables, mixed case, initials of 3+ character terms).
  c('pinyin-1', 'pinyin', '赌博', 'du bo', '周末去{}吗'),
  c('pinyin-2', 'pinyin', '赌博', 'dubo', '一起{}啊'),
  c('pinyin-3', 'pinyin', '赌博', 'DuBo', '网上{}平台'),
  c('pinyin-4', 'pinyin', '冰毒', 'bingdu', '出{}，私聊'),
  c('pinyin-5', 'pinyin', '海洛因', 'hailuoyin', '一克{}多少钱'),
  c('pinyin-6', 'pinyin', '代开发票', 'dkfp', '长期{}，加v'),
  c('pinyin-7', 'pinyin', '摇头丸', 'yao tou wan', '有{}吗'),
];

export interface NegativeCase {
  readonly id: string;
  readonly text: string;
  readonly why: string;
}

/** Benign texts on which hegui (with the suite's terms and pinyin) must report nothing. */
export const NEGATIVE_CASES: readonly NegativeCase[] = [
  {
    id: 'neg-1',
    text: '他打赌说博物馆明天开门',
    why: '赌 and 博 in different words, a Han character between them',
  },
  { id: 'neg-2', text: '冰箱里的毒蘑菇要扔掉', why: '冰 and 毒 far apart' },
  { id: 'neg-3', text: '请代开会议，发票稍后报销', why: '代开 and 发票 in different phrases' },
  { id: 'neg-4', text: 'The class was fun', why: '"ass" inside "class"' },
  { id: 'neg-5', text: 'Please pass the assessment form', why: '"ass" inside "pass" and "assessment"' },
  {
    id: 'neg-6',
    text: 'Thanks for the feedback, highly appreciated',
    why: '"hly" (海洛因 initials) inside "highly"',
  },
  { id: 'neg-7', text: 'W. E. B. Du Bois wrote about it', why: '"du bo" (赌博 pinyin) followed by "is"' },
  { id: 'neg-8', text: 'A glass of Dubonnet', why: '"dubo" inside "Dubonnet"' },
  { id: 'neg-9', text: 'Shitake mushrooms are tasty', why: '"shit" inside "Shitake"' },
  {
    id: 'neg-10',
    text: 'The AK4700 chip and the M160 engine',
    why: '"ak47"/"m16" inside longer model numbers',
  },
  { id: 'neg-11', text: '洗衣服花了不少钱', why: '洗 and 钱 far apart' },
  { id: 'neg-12', text: 'Scorpions are not porcupines', why: 'no term at all (p…r… look-alike letters)' },
];
