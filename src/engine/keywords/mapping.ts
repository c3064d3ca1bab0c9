/**
 * The file-name → category mapping for public keyword lists (`data/keywords/shared-lists.yaml`), so
 * `--keywords .../色情词库.txt` gets its category without the user spelling it out.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { HeguiError } from '../errors.js';
import { isCategoryCode } from '../taxonomy.js';
import type { FileCategoryMapping } from './load.js';
import type { ParseOptions } from './parse.js';

const FileRule = z.strictObject({
  category: z.string().refine(isCategoryCode, 'unknown category'),
  action: z.enum(['block', 'review', 'hard']).optional(),
  mixed: z.boolean().optional(),
  syntax: z.enum(['plus']).optional(),
});

const MappingSchema = z.strictObject({
  version: z.literal(1),
  lists: z.record(
    z.string(),
    z.strictObject({
      root: z.string(),
      licence: z.string().optional(),
      files: z.record(z.string(), FileRule),
    }),
  ),
});

export type ListMapping = z.infer<typeof MappingSchema>;

export function parseListMapping(text: string, sourceName: string): ListMapping {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new HeguiError('keywords_invalid', `YAML: ${(err as Error).message}`, sourceName, { cause: err });
  }
  const parsed = MappingSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HeguiError('keywords_invalid', issue.message, `${sourceName}: ${issue.path.join('.')}`);
  }
  return parsed.data;
}

export function loadListMapping(path: string): ListMapping {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new HeguiError('keywords_invalid', (err as Error).message, path, { cause: err });
  }
  return parseListMapping(text, path);
}

/** The mapping as a lookup by base file name. */
export function mappingLookup(mapping: ListMapping): FileCategoryMapping {
  const byName = new Map<string, ParseOptions>();
  for (const list of Object.values(mapping.lists)) {
    for (const [file, rule] of Object.entries(list.files)) {
      byName.set(file.normalize('NFC'), {
        defaultCategory: rule.category,
        defaultAction: rule.action,
        combinations: rule.syntax === 'plus',
      });
    }
  }
  return (fileName) => byName.get(fileName.normalize('NFC'));
}
