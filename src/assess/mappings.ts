/** The importers' mapping tables, read from `data/assess/mappings.yaml` (validated once). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { HeguiError } from '../engine/errors.js';
import { packageRoot } from '../engine/policy/load.js';
import { TC260_CATEGORIES } from '../engine/taxonomy.js';
import { ASPECT_CODES, type AspectCode } from './tc260.js';

const Code = z.enum(TC260_CATEGORIES.map((c) => c.code) as [string, ...string[]]);
const Aspect = z.enum(ASPECT_CODES as [AspectCode, ...AspectCode[]]);

const MappingsSchema = z.strictObject({
  jade: z.strictObject({ subtypes: z.record(z.string(), Code), types: z.record(z.string(), Code) }),
  flames: z.strictObject({
    subcomponents: z.record(z.string(), Code),
    discrimination: z.array(z.strictObject({ category: Code, words: z.array(z.string().min(1)) })),
  }),
  cvalues: z.strictObject({ domains: z.record(z.string(), Aspect) }),
  aspects: z.array(z.strictObject({ aspect: Aspect, words: z.array(z.string().min(1)) })),
});
export type Mappings = z.infer<typeof MappingsSchema>;

export function mappingsPath(): string {
  return join(packageRoot(), 'data', 'assess', 'mappings.yaml');
}

let cached: Mappings | undefined;

export function loadMappings(path = mappingsPath()): Mappings {
  if (path === mappingsPath() && cached) return cached;
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new HeguiError('config_invalid', (err as Error).message, path, { cause: err });
  }
  const parsed = MappingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HeguiError('config_invalid', issue.message, `${path}: ${issue.path.join('.')}`);
  }
  if (path === mappingsPath()) cached = parsed.data;
  return parsed.data;
}

/** The first row of `table` one of whose words occurs in `text`, in table order. */
export function firstByWords<R extends { readonly words: readonly string[] }>(
  text: string,
  table: readonly R[],
): R | undefined {
  return table.find((row) => row.words.some((w) => text.includes(w)));
}
