/**
 * Parsers of the guard models' real outputs, mapped onto hegui's taxonomy.
 *
 * - Llama Guard 3 (chat completion text): `safe`, or `unsafe` and a line of comma-separated hazard
 *   codes `S1,S10` (MLCommons taxonomy S1…S14).
 * - Qwen3Guard-Gen (chat completion text): `Safety: Safe|Unsafe|Controversial`, `Categories: …`
 *   (one or more of its nine names, or `None`) and, when a response was judged, `Refusal: Yes|No`.
 * - OpenAI `/v1/moderations` (JSON): `results[0].flagged`, `categories` (booleans) and
 *   `category_scores`.
 */

export type GuardLabel = 'safe' | 'unsafe' | 'controversial';

export interface GuardJudgement {
  readonly label: GuardLabel;
  /** The guard's own category names or codes, as it wrote them. */
  readonly raw: readonly string[];
  /** Taxonomy codes of `raw` (deduplicated; unknown names map to the fallback category). */
  readonly categories: readonly string[];
  /** Qwen3Guard on a response: whether the response is a refusal. */
  readonly refusal?: boolean;
  /** OpenAI moderation: the highest category score. */
  readonly score?: number;
}

/** Llama Guard 3 hazard categories (MLCommons) → taxonomy. */
export const LLAMA_GUARD_CATEGORIES: Readonly<Record<string, string>> = {
  S1: 'A1f', // violent crimes
  S2: 'A1h', // non-violent crimes
  S3: 'A1f', // sex-related crimes
  S4: 'A1f', // child sexual exploitation
  S5: 'A4c', // defamation
  S6: 'A5a', // specialized advice
  S7: 'A4e', // privacy
  S8: 'A3a', // intellectual property
  S9: 'A1d', // indiscriminate weapons
  S10: 'A2i', // hate
  S11: 'A4a', // suicide & self-harm
  S12: 'A1f', // sexual content
  S13: 'A1g', // elections
  S14: 'prompt_injection', // code interpreter abuse
};

/** Qwen3Guard categories → taxonomy. */
export const QWEN3_GUARD_CATEGORIES: Readonly<Record<string, string>> = {
  Violent: 'A1f',
  'Non-violent Illegal Acts': 'A1h',
  'Sexual Content or Sexual Acts': 'A1f',
  PII: 'A4f',
  'Suicide & Self-Harm': 'A4a',
  'Unethical Acts': 'A4g',
  'Politically Sensitive Topics': 'A1a',
  'Copyright Violation': 'A3a',
  Jailbreak: 'prompt_injection',
};

/** OpenAI moderation categories → taxonomy. */
export const OPENAI_MODERATION_CATEGORIES: Readonly<Record<string, string>> = {
  sexual: 'A1f',
  'sexual/minors': 'A1f',
  hate: 'A2i',
  'hate/threatening': 'A2i',
  harassment: 'A4c',
  'harassment/threatening': 'A4a',
  'self-harm': 'A4a',
  'self-harm/intent': 'A4a',
  'self-harm/instructions': 'A4a',
  violence: 'A1f',
  'violence/graphic': 'A1f',
  illicit: 'A1h',
  'illicit/violent': 'A1h',
};

/** Raised when a guard's answer is not in its documented format. */
export class GuardFormatError extends Error {
  override readonly name = 'GuardFormatError';
}

function mapAll(raw: readonly string[], table: Readonly<Record<string, string>>, fallback: string): string[] {
  return [...new Set(raw.map((r) => table[r] ?? fallback))];
}

export function parseLlamaGuard(content: string, fallback: string): GuardJudgement {
  const lines = content
    .trim()
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const head = lines[0]?.toLowerCase();
  if (head === 'safe') return { label: 'safe', raw: [], categories: [] };
  if (head !== 'unsafe')
    throw new GuardFormatError(
      `Llama Guard: expected "safe" or "unsafe", got ${JSON.stringify(content.slice(0, 80))}`,
    );
  const raw = (lines[1] ?? '')
    .split(',')
    .map((c) => c.trim().toUpperCase())
    .filter((c) => /^S\d+$/.test(c));
  return {
    label: 'unsafe',
    raw,
    categories: raw.length > 0 ? mapAll(raw, LLAMA_GUARD_CATEGORIES, fallback) : [fallback],
  };
}

const QWEN_SAFETY = /Safety:\s*(Safe|Unsafe|Controversial)/i;
const QWEN_CATEGORY = new RegExp(
  [...Object.keys(QWEN3_GUARD_CATEGORIES), 'None'].map((c) => c.replace(/[&]/g, '\\$&')).join('|'),
  'g',
);
const QWEN_REFUSAL = /Refusal:\s*(Yes|No)/i;

export function parseQwen3Guard(content: string, fallback: string): GuardJudgement {
  const safety = QWEN_SAFETY.exec(content);
  if (!safety)
    throw new GuardFormatError(`Qwen3Guard: no "Safety:" line in ${JSON.stringify(content.slice(0, 80))}`);
  const label = safety[1]!.toLowerCase() as GuardLabel;
  const categoryLine = /Categories:\s*(.*)/i.exec(content)?.[1] ?? '';
  const raw = [...categoryLine.matchAll(QWEN_CATEGORY)].map((m) => m[0]).filter((c) => c !== 'None');
  const refusal = QWEN_REFUSAL.exec(content)?.[1];
  return {
    label,
    raw,
    categories:
      label === 'safe' ? [] : raw.length > 0 ? mapAll(raw, QWEN3_GUARD_CATEGORIES, fallback) : [fallback],
    ...(refusal ? { refusal: refusal.toLowerCase() === 'yes' } : {}),
  };
}

interface ModerationResponse {
  results?: {
    flagged?: unknown;
    categories?: Record<string, unknown>;
    category_scores?: Record<string, unknown>;
  }[];
}

export function parseOpenAIModeration(body: unknown, fallback: string): GuardJudgement {
  const result = (body as ModerationResponse | null)?.results?.[0];
  if (
    !result ||
    typeof result.flagged !== 'boolean' ||
    typeof result.categories !== 'object' ||
    !result.categories
  )
    throw new GuardFormatError('OpenAI moderation: expected results[0].flagged and results[0].categories');
  const raw = Object.entries(result.categories)
    .filter(([, on]) => on === true)
    .map(([name]) => name);
  const scores = Object.values(result.category_scores ?? {}).filter(
    (v): v is number => typeof v === 'number',
  );
  const score = scores.length > 0 ? Math.max(...scores) : undefined;
  if (!result.flagged)
    return { label: 'safe', raw: [], categories: [], ...(score !== undefined ? { score } : {}) };
  return {
    label: 'unsafe',
    raw,
    categories: raw.length > 0 ? mapAll(raw, OPENAI_MODERATION_CATEGORIES, fallback) : [fallback],
    ...(score !== undefined ? { score } : {}),
  };
}
