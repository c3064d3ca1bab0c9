/**
 * Risk taxonomy: the 31 categories of TC260-003 Appendix A (carried into GB/T 45654-2025) in their
 * 5 groups, plus hegui's own non-TC260 codes (personal-information types, prompt injection, spam).
 *
 * This module is data, not logic. Codes are stable identifiers: they appear in policies, keyword
 * libraries, verdicts and audit records, so never rename one.
 */

/** Group codes: the five TC260 groups plus hegui's own `pii` group and the two stand-alone groups. */
export const GROUP_CODES = ['A1', 'A2', 'A3', 'A4', 'A5', 'pii', 'prompt_injection', 'spam'] as const;
export type GroupCode = (typeof GROUP_CODES)[number];

/** Every category code, in document order. */
export const CATEGORY_CODES = [
  // A.1 违反社会主义核心价值观的内容
  'A1a',
  'A1b',
  'A1c',
  'A1d',
  'A1e',
  'A1f',
  'A1g',
  'A1h',
  // A.2 歧视性内容
  'A2a',
  'A2b',
  'A2c',
  'A2d',
  'A2e',
  'A2f',
  'A2g',
  'A2h',
  'A2i',
  // A.3 商业违法违规
  'A3a',
  'A3b',
  'A3c',
  'A3d',
  'A3e',
  // A.4 侵犯他人合法权益
  'A4a',
  'A4b',
  'A4c',
  'A4d',
  'A4e',
  'A4f',
  'A4g',
  // A.5 无法满足特定服务类型的安全需求
  'A5a',
  'A5b',
  // hegui: personal information types (all relate to A4f)
  'pii.id_card',
  'pii.mobile',
  'pii.landline',
  'pii.email',
  'pii.bank_card',
  'pii.uscc',
  'pii.passport',
  'pii.plate',
  'pii.ip',
  // hegui: attacks and abuse
  'prompt_injection',
  'spam',
] as const;
export type CategoryCode = (typeof CATEGORY_CODES)[number];

export interface RiskGroup {
  readonly code: GroupCode;
  readonly zh: string;
  readonly en: string;
  /** True for the five TC260-003 Appendix A groups. */
  readonly tc260: boolean;
}

export interface RiskCategory {
  readonly code: CategoryCode;
  readonly group: GroupCode;
  readonly zh: string;
  readonly en: string;
  /** True for the 31 TC260-003 Appendix A categories. */
  readonly tc260: boolean;
  /** TC260-003 §8.1 minimum keyword count for this category (A.1: 200, A.2: 100); absent otherwise. */
  readonly keywordMinimum?: number;
  /** A TC260 category this non-TC260 code belongs under (e.g. every `pii.*` → `A4f`). */
  readonly relatesTo?: CategoryCode;
}

/** TC260-003 §8.1: the keyword library should hold at least this many keywords in total. */
export const TC260_KEYWORD_LIBRARY_MIN_TOTAL = 10_000;
/** TC260-003 §8.1: minimum keywords for each A.1 category. */
export const TC260_KEYWORD_MIN_PER_A1 = 200;
/** TC260-003 §8.1: minimum keywords for each A.2 category. */
export const TC260_KEYWORD_MIN_PER_A2 = 100;

export const GROUPS: readonly RiskGroup[] = Object.freeze([
  {
    code: 'A1',
    zh: '违反社会主义核心价值观的内容',
    en: 'Content violating core socialist values',
    tc260: true,
  },
  { code: 'A2', zh: '歧视性内容', en: 'Discriminatory content', tc260: true },
  { code: 'A3', zh: '商业违法违规', en: 'Commercial violations', tc260: true },
  { code: 'A4', zh: '侵犯他人合法权益', en: "Infringing others' lawful rights and interests", tc260: true },
  {
    code: 'A5',
    zh: '无法满足特定服务类型的安全需求',
    en: 'Failing the safety needs of specific service types',
    tc260: true,
  },
  { code: 'pii', zh: '个人信息', en: 'Personal information', tc260: false },
  { code: 'prompt_injection', zh: '提示词注入', en: 'Prompt injection', tc260: false },
  { code: 'spam', zh: '违法广告与垃圾信息', en: 'Illicit advertising and spam', tc260: false },
] satisfies RiskGroup[]);

const A1 = { group: 'A1', tc260: true, keywordMinimum: TC260_KEYWORD_MIN_PER_A1 } as const;
const A2 = { group: 'A2', tc260: true, keywordMinimum: TC260_KEYWORD_MIN_PER_A2 } as const;
const A3 = { group: 'A3', tc260: true } as const;
const A4 = { group: 'A4', tc260: true } as const;
const A5 = { group: 'A5', tc260: true } as const;
const PII = { group: 'pii', tc260: false, relatesTo: 'A4f' } as const;

export const CATEGORIES: readonly RiskCategory[] = Object.freeze([
  {
    code: 'A1a',
    ...A1,
    zh: '煽动颠覆国家政权、推翻社会主义制度',
    en: 'Inciting subversion of state power / overthrowing the socialist system',
  },
  {
    code: 'A1b',
    ...A1,
    zh: '危害国家安全和利益、损害国家形象',
    en: 'Endangering national security and interests; damaging national image',
  },
  {
    code: 'A1c',
    ...A1,
    zh: '煽动分裂国家、破坏国家统一和社会稳定',
    en: 'Inciting secession; undermining national unity and social stability',
  },
  { code: 'A1d', ...A1, zh: '宣扬恐怖主义、极端主义', en: 'Promoting terrorism or extremism' },
  { code: 'A1e', ...A1, zh: '宣扬民族仇恨', en: 'Promoting ethnic hatred' },
  { code: 'A1f', ...A1, zh: '宣扬暴力、淫秽色情', en: 'Promoting violence, obscenity or pornography' },
  { code: 'A1g', ...A1, zh: '传播虚假有害信息', en: 'Spreading false and harmful information' },
  {
    code: 'A1h',
    ...A1,
    zh: '其他法律、行政法规禁止的内容',
    en: 'Other content prohibited by laws and administrative regulations',
  },

  { code: 'A2a', ...A2, zh: '民族歧视内容', en: 'Ethnic discrimination' },
  { code: 'A2b', ...A2, zh: '信仰歧视内容', en: 'Religious/belief discrimination' },
  { code: 'A2c', ...A2, zh: '国别歧视内容', en: 'Nationality/country discrimination' },
  { code: 'A2d', ...A2, zh: '地域歧视内容', en: 'Regional discrimination' },
  { code: 'A2e', ...A2, zh: '性别歧视内容', en: 'Sex/gender discrimination' },
  { code: 'A2f', ...A2, zh: '年龄歧视内容', en: 'Age discrimination' },
  { code: 'A2g', ...A2, zh: '职业歧视内容', en: 'Occupational discrimination' },
  { code: 'A2h', ...A2, zh: '健康歧视内容', en: 'Health discrimination' },
  { code: 'A2i', ...A2, zh: '其他方面歧视内容', en: 'Other discrimination' },

  { code: 'A3a', ...A3, zh: '侵犯他人知识产权', en: "Infringing others' intellectual property" },
  { code: 'A3b', ...A3, zh: '违反商业道德', en: 'Violating business ethics' },
  { code: 'A3c', ...A3, zh: '泄露他人商业秘密', en: "Disclosing others' trade secrets" },
  {
    code: 'A3d',
    ...A3,
    zh: '利用算法、数据、平台等优势，实施垄断和不正当竞争行为',
    en: 'Monopoly or unfair competition using algorithm, data or platform advantages',
  },
  { code: 'A3e', ...A3, zh: '其他商业违法违规行为', en: 'Other commercial violations' },

  { code: 'A4a', ...A4, zh: '危害他人身心健康', en: "Endangering others' physical or mental health" },
  { code: 'A4b', ...A4, zh: '侵害他人肖像权', en: 'Infringing portrait rights' },
  { code: 'A4c', ...A4, zh: '侵害他人名誉权', en: 'Infringing reputation rights' },
  { code: 'A4d', ...A4, zh: '侵害他人荣誉权', en: 'Infringing honour rights' },
  { code: 'A4e', ...A4, zh: '侵害他人隐私权', en: 'Infringing privacy' },
  { code: 'A4f', ...A4, zh: '侵害他人个人信息权益', en: 'Infringing personal-information rights' },
  { code: 'A4g', ...A4, zh: '侵犯他人其他合法权益', en: 'Infringing other lawful rights' },

  {
    code: 'A5a',
    ...A5,
    zh: '内容不准确，严重不符合科学常识或主流认知',
    en: 'Inaccurate: seriously contradicts scientific common sense or mainstream understanding',
  },
  {
    code: 'A5b',
    ...A5,
    zh: '内容不可靠，虽然不包含严重错误的内容，但无法对使用者形成帮助',
    en: 'Unreliable: no serious error but of no help to the user',
  },

  { code: 'pii.id_card', ...PII, zh: '居民身份证号码', en: 'Resident ID card number' },
  { code: 'pii.mobile', ...PII, zh: '手机号码', en: 'Mobile phone number' },
  { code: 'pii.landline', ...PII, zh: '固定电话号码', en: 'Landline phone number' },
  { code: 'pii.email', ...PII, zh: '电子邮箱地址', en: 'E-mail address' },
  { code: 'pii.bank_card', ...PII, zh: '银行卡号', en: 'Bank card number' },
  { code: 'pii.uscc', ...PII, zh: '统一社会信用代码', en: 'Unified social credit code' },
  { code: 'pii.passport', ...PII, zh: '护照号码', en: 'Passport number' },
  { code: 'pii.plate', ...PII, zh: '机动车号牌', en: 'Vehicle licence plate' },
  { code: 'pii.ip', ...PII, zh: 'IP 地址', en: 'IP address' },

  {
    code: 'prompt_injection',
    group: 'prompt_injection',
    tc260: false,
    zh: '提示词注入与越狱',
    en: 'Prompt injection and jailbreak',
  },
  { code: 'spam', group: 'spam', tc260: false, zh: '违法广告与垃圾信息', en: 'Illicit advertising and spam' },
] satisfies RiskCategory[]);

const byCode: ReadonlyMap<string, RiskCategory> = new Map(CATEGORIES.map((c) => [c.code, c]));
const groupByCode: ReadonlyMap<string, RiskGroup> = new Map(GROUPS.map((g) => [g.code, g]));

/** True when `code` is a category code (`A1a`, `pii.mobile`, `spam` …). */
export function isCategoryCode(code: string): code is CategoryCode {
  return byCode.has(code);
}

/** True when `code` is a group code (`A1` … `A5`, `pii`, `prompt_injection`, `spam`). */
export function isGroupCode(code: string): code is GroupCode {
  return groupByCode.has(code);
}

/** The category with this code, or `undefined` for an unknown code. */
export function getCategory(code: string): RiskCategory | undefined {
  return byCode.get(code);
}

/** The group with this code, or `undefined` for an unknown code. */
export function getGroup(code: string): RiskGroup | undefined {
  return groupByCode.get(code);
}

/** The categories of one group, in document order. */
export function categoriesInGroup(group: GroupCode): readonly RiskCategory[] {
  return CATEGORIES.filter((c) => c.group === group);
}

/** The 31 TC260-003 Appendix A categories. */
export const TC260_CATEGORIES: readonly RiskCategory[] = Object.freeze(CATEGORIES.filter((c) => c.tc260));

/** The 17 A.1 + A.2 categories the keyword library and the should-refuse bank must cover. */
export const KEYWORD_SCOPE_CATEGORIES: readonly RiskCategory[] = Object.freeze(
  CATEGORIES.filter((c) => c.group === 'A1' || c.group === 'A2'),
);
