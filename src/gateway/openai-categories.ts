/**
 * Our categories in OpenAI's moderation vocabulary, for `/v1/moderations` clients that only know
 * those names. Data, not logic: TC260 codes (or their group) → OpenAI category names. Codes without an
 * OpenAI counterpart (political A1a–c, privacy, PII, prompt injection) appear only in our `hegui` field.
 */
export const OPENAI_CATEGORIES = [
  'harassment',
  'harassment/threatening',
  'hate',
  'hate/threatening',
  'illicit',
  'illicit/violent',
  'self-harm',
  'self-harm/intent',
  'self-harm/instructions',
  'sexual',
  'sexual/minors',
  'violence',
  'violence/graphic',
] as const;
export type OpenAiCategory = (typeof OPENAI_CATEGORIES)[number];

const BY_CODE: Record<string, readonly OpenAiCategory[]> = {
  A1d: ['illicit/violent', 'violence'],
  A1e: ['hate'],
  A1f: ['sexual', 'violence'],
  A1g: ['illicit'],
  A1h: ['illicit'],
  A2: ['hate'],
  A3: ['illicit'],
  A4a: ['harassment'],
  A4c: ['harassment'],
  A4d: ['harassment'],
  spam: ['illicit'],
};

export function openAiCategoriesOf(code: string): readonly OpenAiCategory[] {
  return BY_CODE[code] ?? BY_CODE[code.slice(0, 2)] ?? [];
}
