/**
 * Group masking: before hashing, every neutral name of a group (河南人, 黑人, 女性 …) is replaced by one
 * placeholder per class (region, race, gender). The model then learns "⟨region group⟩都是骗子" once for
 * every region instead of learning that 河南人 itself is suspicious — it generalises to groups it has
 * not seen and stops flagging a text merely for naming a group (the anti-bias texts keyword systems
 * over-block). Slurs are deliberately not in these lists: they are attacks and must stay visible.
 *
 * The lists travel inside the model file, so a model always masks as it was trained.
 */
import { createNormalizer, type NormalizeOptions } from '../normalize/index.js';

export interface GroupClass {
  /** Class name (the COLD topic it belongs to: race, region, gender). */
  readonly name: string;
  /** Neutral names of groups of this class. */
  readonly terms: readonly string[];
}

/** First placeholder code unit (Private Use Area); class i uses PLACEHOLDER_BASE + i. */
export const PLACEHOLDER_BASE = 0xe001;

const PLACES =
  '北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 东北 西北 华北 华南 华东 南方 北方 江浙 深圳 广州 杭州 南京 武汉 成都 西安 温州 潮汕 苏北 苏南 外地 农村 城里 本地 大陆 内地 山区';
const NATIONS =
  '美国 日本 韩国 朝鲜 印度 非洲 欧洲 中东 阿拉伯 俄罗斯 越南 泰国 菲律宾 巴基斯坦 以色列 英国 法国 德国 澳洲 外国 中国 亚洲 拉美 墨西哥 印尼 马来西亚 缅甸';

/** hegui's default group lists (our own, Apache-2.0). */
export const DEFAULT_GROUPS: readonly GroupClass[] = [
  {
    name: 'race',
    terms: [
      ...NATIONS.split(' ').map((n) => `${n}人`),
      '黑人',
      '白人',
      '黄种人',
      '黄人',
      '犹太人',
      '穆斯林',
      '维吾尔族',
      '维族',
      '少数民族',
      '汉族',
      '汉人',
      '回族',
      '藏族',
      '蒙古族',
      '外国人',
      '老外',
      '洋人',
      '黑种人',
      '白种人',
    ],
  },
  { name: 'region', terms: PLACES.split(' ').map((p) => `${p}人`) },
  {
    name: 'gender',
    terms: [
      '女人',
      '男人',
      '女性',
      '男性',
      '女生',
      '男生',
      '女孩',
      '男孩',
      '女孩子',
      '男孩子',
      '妇女',
      '女司机',
      '男司机',
      '女士',
      '男士',
      '女方',
      '男方',
      '女同胞',
      '男同胞',
      '同性恋',
      '异性恋',
    ],
  },
];

interface Term {
  readonly codes: Uint16Array;
  readonly placeholder: number;
}

/** Replaces group names in normalised code units by their class placeholder (leftmost, longest first). */
export class GroupMasker {
  private readonly byFirst = new Map<number, Term[]>();

  constructor(groups: readonly GroupClass[], normalize: NormalizeOptions) {
    const normalizer = createNormalizer(normalize);
    groups.forEach((group, index) => {
      for (const term of group.terms) {
        const text = normalizer.normalize(term).text;
        if (text.length === 0) continue;
        const codes = Uint16Array.from(text, (ch) => ch.charCodeAt(0));
        const list = this.byFirst.get(codes[0]!) ?? [];
        list.push({ codes, placeholder: PLACEHOLDER_BASE + index });
        this.byFirst.set(codes[0]!, list);
      }
    });
    for (const list of this.byFirst.values()) list.sort((a, b) => b.codes.length - a.codes.length);
  }

  get empty(): boolean {
    return this.byFirst.size === 0;
  }

  /**
   * Writes `codes[0, length)` with group names replaced into `out` (at least `length` long) and returns
   * the new length. `out` may not alias `codes`. Allocation-free.
   */
  mask(codes: Uint16Array, length: number, out: Uint16Array): number {
    let w = 0;
    let i = 0;
    outer: while (i < length) {
      const candidates = this.byFirst.get(codes[i]!);
      if (candidates) {
        for (const term of candidates) {
          const n = term.codes.length;
          if (i + n > length) continue;
          let k = 1;
          while (k < n && codes[i + k] === term.codes[k]) k++;
          if (k === n) {
            out[w++] = term.placeholder;
            i += n;
            continue outer;
          }
        }
      }
      out[w++] = codes[i++]!;
    }
    return w;
  }
}
