/**
 * The policy: one YAML file that says which detectors run, how text is normalised before matching,
 * and what happens (block / review / redact / allow) when a risk category is hit, per direction.
 *
 * Every object is strict: an unknown key is an error, so a typo (`aciton:`) stops loading instead of
 * silently doing nothing. Parsing fills every default, so consumers read `Policy` without `?? x`.
 * This module is pure (no I/O); reading files and resolving paths lives in `load.ts`.
 */
import { z } from 'zod';
import type { KeywordAction } from '../keywords/types.js';
import type { NormalizeOptions } from '../normalize/types.js';
import {
  CATEGORIES,
  type CategoryCode,
  type GroupCode,
  getCategory,
  isCategoryCode,
  isGroupCode,
} from '../taxonomy.js';

/**
 * What to do with a text when a category is hit.
 * - `block`: refuse the request / stop the response and answer with the refusal wording.
 * - `review`: let it through but record it and queue it for human review.
 * - `redact`: replace the matched span (per `redaction.mode`) and let the rest through.
 * - `allow`: do nothing beyond recording the hit.
 */
export const ACTIONS = ['block', 'review', 'redact', 'allow'] as const;
export const ActionSchema = z.enum(ACTIONS);
export type Action = z.infer<typeof ActionSchema>;

/** `input` = the end user's request (prompt); `output` = the model's response. */
export type Direction = 'input' | 'output';

/** Actions of one rule for the two directions; a missing direction falls through to the next rule. */
const DirectionActionsObject = z.strictObject({
  /** Action for the user's input (the prompt). */
  input: ActionSchema.optional(),
  /** Action for the model's output (the response). */
  output: ActionSchema.optional(),
});

/** A rule is either `{ input, output }` or a single action string that applies to both directions. */
const DirectionActionsSchema = z
  .union([ActionSchema, DirectionActionsObject])
  .transform((v): DirectionActions => (typeof v === 'string' ? { input: v, output: v } : v));
export interface DirectionActions {
  input?: Action | undefined;
  output?: Action | undefined;
}

/** A key of the `actions` table: a category code, a group code, or `default`. */
export type ActionKey = CategoryCode | GroupCode | 'default';

/** The `actions` table after parsing: `default` is always complete. */
export type ActionTable = { default: Required<DirectionActions> } & Partial<
  Record<CategoryCode | GroupCode, DirectionActions>
>;

/** Fail closed: a category hit that no rule covers is blocked. */
const FALLBACK_ACTIONS: Required<DirectionActions> = { input: 'block', output: 'block' };

const ActionTableSchema = z
  .record(z.string(), DirectionActionsSchema)
  .superRefine((table, ctx) => {
    for (const key of Object.keys(table)) {
      if (key === 'default' || isCategoryCode(key) || isGroupCode(key)) continue;
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `Unknown category "${key}": expected a taxonomy code (A1a…A5b, pii.mobile, spam, …), a group code (A1…A5, pii) or "default"`,
      });
    }
  })
  .transform((table): ActionTable => ({
    ...(table as Partial<Record<CategoryCode | GroupCode, DirectionActions>>),
    default: {
      input: table.default?.input ?? FALLBACK_ACTIONS.input,
      output: table.default?.output ?? FALLBACK_ACTIONS.output,
    },
  }));

/** A category code from the taxonomy (`A1a`, `pii.mobile`, `spam`, …). */
const CategoryCodeSchema = z.string().refine(isCategoryCode, {
  error: (issue) =>
    `Unknown category "${String(issue.input)}": expected a taxonomy code such as A1a or pii.mobile`,
}) as unknown as z.ZodType<CategoryCode, string>;

const PII_CODES = CATEGORIES.filter((c) => c.group === 'pii').map((c) => c.code);
const PiiCodeSchema = z.string().refine((c) => getCategory(c)?.group === 'pii', {
  error: (issue) => `Unknown PII type "${String(issue.input)}": expected one of ${PII_CODES.join(', ')}`,
}) as unknown as z.ZodType<CategoryCode, string>;

/** Text normalisation before keyword matching; mirrors `NormalizeOptions` with every field filled. */
const NormalizeSchema = z.strictObject({
  /** NFKC compatibility folding: full-width → half-width, ① → 1. */
  width: z.boolean().default(true),
  /** Unicode lower-casing. */
  caseFold: z.boolean().default(true),
  /** Traditional → simplified Chinese. */
  traditional: z.boolean().default(true),
  /** Drop zero-width characters, bidi controls, variation selectors, soft hyphens. */
  stripInvisible: z.boolean().default(true),
  /** Drop separators/punctuation/emoji between two CJK characters (赌*博 → 赌博). */
  skipSeparators: z.boolean().default(true),
  /** Fold Cyrillic/Greek and stylised look-alike letters and digits to ASCII. */
  homoglyphs: z.boolean().default(true),
  /** Collapse runs of one character longer than N to N (`false` = off). */
  collapseRepeats: z.union([z.literal(false), z.int().min(1)]).default(false),
});

/** Action a keyword library line may carry; `hard` = block regardless of context or policy. */
export const KEYWORD_ACTIONS = ['block', 'review', 'hard'] as const satisfies readonly KeywordAction[];

/** One extra keyword library file. */
const KeywordLibrarySchema = z.strictObject({
  /** File path; `loadPolicy` resolves a relative path against the policy file's folder. */
  path: z.string().min(1),
  /** Category for lines that name none (a whole-file category, e.g. a list of gambling terms). */
  category: CategoryCodeSchema.optional(),
  /** Action for lines that name none. */
  action: z.enum(KEYWORD_ACTIONS).optional(),
});
export type PolicyKeywordLibrary = z.infer<typeof KeywordLibrarySchema>;

const KeywordsDetectorSchema = z.strictObject({
  /** Run the keyword detector at all. */
  enabled: z.boolean().default(true),
  /** Load hegui's own library (`data/keywords/default.txt`) and allow-list (`data/keywords/allow.txt`). */
  builtin: z.boolean().default(true),
  /** Extra library files, loaded after the builtin one. */
  libraries: z.array(KeywordLibrarySchema).default([]),
  /** Categories whose CJK terms also match when written in pinyin (dubo for 赌博). */
  pinyin: z.array(CategoryCodeSchema).default([]),
});

const PiiDetectorSchema = z.strictObject({
  /** Run the PII recognisers at all. */
  enabled: z.boolean().default(true),
  /** Which PII types to recognise; omitted = all of them. */
  types: z.array(PiiCodeSchema).default(() => [...PII_CODES]),
});

/** A key of a per-category table: a category code, a group code or `default`. */
const CategoryKeySchema = z.string().refine((k) => k === 'default' || isCategoryCode(k) || isGroupCode(k), {
  error: (issue) =>
    `Unknown category "${String(issue.input)}": expected a taxonomy code (A2d), a group code (A2) or "default"`,
}) as unknown as z.ZodType<string, string>;

/** Probabilities at which the classifier alone flags a text (calibrated, 0…1). */
const ClassifierThresholdSchema = z
  .strictObject({
    /** From this probability the text is queued for review. */
    review: z.number().min(0).max(1),
    /** From this probability the policy's action for the category applies (capped by `maxAction`). */
    block: z.number().min(0).max(1),
  })
  .refine((t) => t.review <= t.block, { error: 'review must not exceed block' });
export type ClassifierThreshold = z.infer<typeof ClassifierThresholdSchema>;

/** Never flags: a threshold above every probability. */
const NEVER: ClassifierThreshold = { review: 2, block: 2 };

const ClassifierDetectorSchema = z.strictObject({
  /** Run the classifier (off unless the policy turns it on). */
  enabled: z.boolean().default(false),
  /** `builtin` (the model shipped under models/) or a model file path (relative: against the policy's folder). */
  model: z.string().min(1).default('builtin'),
  /**
   * Per category code, group code or `default` (lookup: exact → group → default): the probabilities at
   * which the classifier alone flags a text whose most likely category is that one. Absent = never.
   */
  thresholds: z
    .record(CategoryKeySchema, ClassifierThresholdSchema)
    .default({})
    .transform((t) => t as Partial<Record<string, ClassifierThreshold>>),
  /** The most severe action the classifier may take on its own. */
  maxAction: z.enum(['block', 'review']).default('review'),
  /**
   * A keyword hit that would block, in a category the classifier judges (`judges`), is only reviewed
   * when the text's harmful probability is below this; `hard` terms always block. 0 = never soften.
   */
  benignBelow: z.number().min(0).max(1).default(0),
  /**
   * Categories or groups whose keyword hits the classifier may soften; omitted = the groups of the
   * model's own categories (the shipped COLD model: A2).
   */
  judges: z.array(CategoryKeySchema).optional(),
});

/** Guard-model adapter settings (an external model judged over HTTP); see engine/guard. */
const GuardDetectorSchema = z
  .strictObject({
    /** Call the guard (off by default; it adds a network round trip). */
    enabled: z.boolean().default(false),
    /**
     * `llama-guard` / `qwen3-guard`: an OpenAI-compatible chat endpoint serving that model;
     * `openai-moderation`: OpenAI's /v1/moderations.
     */
    kind: z.enum(['llama-guard', 'qwen3-guard', 'openai-moderation']).default('qwen3-guard'),
    /** Base URL, e.g. http://127.0.0.1:8000/v1 */
    url: z.string().url().optional(),
    /** Model name sent in the request. */
    model: z.string().min(1).optional(),
    /** Name of the environment variable holding the API key (never the key itself). */
    apiKeyEnv: z.string().min(1).optional(),
    timeoutMs: z.int().min(1).max(120_000).default(3000),
    /** Requests in flight at most; more wait in a queue. */
    concurrency: z.int().min(1).max(1024).default(8),
    /** Consecutive failures that open the circuit, and how long it stays open. */
    breakerFailures: z.int().min(1).default(5),
    breakerCooldownMs: z.int().min(1).default(30_000),
    /** When the guard fails or the circuit is open: `closed` treats the text as flagged, `open` lets it pass. */
    failMode: z.enum(['closed', 'open']).default('closed'),
    /** Category for an unsafe verdict whose categories the adapter cannot map. */
    category: CategoryCodeSchema.default('A1h'),
  })
  .refine((g) => !g.enabled || g.url !== undefined, {
    error: 'an enabled guard needs a url',
    path: ['url'],
  });
export type GuardDetectorConfig = z.infer<typeof GuardDetectorSchema>;

const DetectorsSchema = z.strictObject({
  /** Keyword libraries matched with the automaton. */
  keywords: KeywordsDetectorSchema.prefault({}),
  /** Personal-information recognisers (ID card, mobile, bank card, …). */
  pii: PiiDetectorSchema.prefault({}),
  /** The trained harmful-content classifier (engine/classifier). */
  classifier: ClassifierDetectorSchema.prefault({}),
  /** An external guard model (engine/guard); off by default. */
  guard: GuardDetectorSchema.prefault({}),
});

const RedactionSchema = z.strictObject({
  /**
   * How a redacted span is written:
   * - `mask`: same length of `*` (keeps the layout; 138****1234 style for numbers is up to the redactor);
   * - `placeholder`: the category's name in brackets, e.g. `[手机号码]`;
   * - `pseudonym`: a stable fake value per original within one conversation.
   */
  mode: z.enum(['mask', 'placeholder', 'pseudonym']).default('mask'),
});

const DEFAULT_REFUSAL = {
  zh: '抱歉，这个问题我无法回答。如有其他问题，欢迎继续提问。',
  en: "Sorry, I can't help with that request. Feel free to ask something else.",
};

const RefusalSchema = z.strictObject({
  /** Chinese wording a blocked request or response is replaced with. */
  zh: z.string().min(1).default(DEFAULT_REFUSAL.zh),
  /** English wording a blocked request or response is replaced with. */
  en: z.string().min(1).default(DEFAULT_REFUSAL.en),
});

export const PolicySchema = z.strictObject({
  /** Short identifier of the policy pack, e.g. `cn-default` (letters, digits, `.`, `_`, `-`). */
  name: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
      'Expected letters, digits, ".", "_" or "-", starting with a letter or digit',
    ),
  /** Version of this pack; a string (quote it in YAML). Every verdict carries `${name}@${version}`. */
  version: z
    .string({ error: 'Expected a string: quote the version in YAML, e.g. version: "2026.11.29"' })
    .min(1),
  /** Free text for humans. */
  description: z.string().optional(),
  /** Text normalisation before keyword matching. */
  normalize: NormalizeSchema.prefault({}),
  /** Which detectors run and with what data. */
  detectors: DetectorsSchema.prefault({}),
  /**
   * What to do per category, per direction. Keys: a category code (`A1a`, `pii.mobile`), a group code
   * (`A1`, `pii`) or `default`. Lookup: exact code → its group → `default` (→ block if absent).
   */
  actions: ActionTableSchema.prefault({}),
  /** Benign terms: a keyword match lying entirely inside an occurrence of one of these is ignored. */
  allowList: z.array(z.string().min(1)).default([]),
  /** Extra allow-list files (one term per line, `#` comments); relative to the policy file's folder. */
  allowListFiles: z.array(z.string().min(1)).default([]),
  /** How `redact` rewrites a span. */
  redaction: RedactionSchema.prefault({}),
  /** The wording a blocked request gets (never repeats the offending content). */
  refusal: RefusalSchema.prefault({}),
});

/** A parsed policy with every default filled. */
export type Policy = z.output<typeof PolicySchema>;
/** A policy as written in YAML (most fields optional). */
export type PolicyInput = z.input<typeof PolicySchema>;

// Compile-time check: the normalise section stays in step with the normaliser's options.
const _normalizeMatches: (n: Policy['normalize']) => NormalizeOptions = (n) => n;
void _normalizeMatches;

/** The `policyVersion` every verdict carries: `${name}@${version}`. */
export function policyVersion(policy: Pick<Policy, 'name' | 'version'>): string {
  return `${policy.name}@${policy.version}`;
}

/** An action and the rule that gave it: the key of `actions` that matched. */
export interface ResolvedAction {
  action: Action;
  rule: ActionKey;
}

/**
 * The action for a hit of `code` in `direction`, with the rule that gave it. Lookup order: the exact
 * code → its group (`A1a` → `A1`, `pii.mobile` → `pii`) → `default`. An unknown code goes to `default`.
 */
export function resolveActionRule(
  policy: Pick<Policy, 'actions'>,
  code: CategoryCode | GroupCode | string,
  direction: Direction,
): ResolvedAction {
  const table = policy.actions as Partial<Record<string, DirectionActions>>;
  const exact = table[code]?.[direction];
  if (exact) return { action: exact, rule: code as ActionKey };
  const group = getCategory(code)?.group;
  if (group) {
    const byGroup = table[group]?.[direction];
    if (byGroup) return { action: byGroup, rule: group };
  }
  return { action: policy.actions.default[direction], rule: 'default' };
}

/** The action for a hit of `code` in `direction` (see `resolveActionRule` for the lookup order). */
export function resolveAction(
  policy: Pick<Policy, 'actions'>,
  code: CategoryCode | GroupCode | string,
  direction: Direction,
): Action {
  return resolveActionRule(policy, code, direction).action;
}

/**
 * The classifier thresholds for `code` (exact → group → default); a category no entry covers is never
 * flagged by the classifier alone.
 */
export function classifierThreshold(policy: Pick<Policy, 'detectors'>, code: string): ClassifierThreshold {
  const table = policy.detectors.classifier.thresholds;
  const group = getCategory(code)?.group;
  return table[code] ?? (group ? table[group] : undefined) ?? table.default ?? NEVER;
}
