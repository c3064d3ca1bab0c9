/** The keyword options several commands share: `--keywords`, `--mapping`, `--allow`, `--policy`. */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { parseSourceSpec, type KeywordSourceSpec } from '../engine/keywords/load.js';
import { loadListMapping, mappingLookup } from '../engine/keywords/mapping.js';
import type { FileCategoryMapping } from '../engine/keywords/load.js';
import { builtinKeywordPaths } from '../engine/policy/load.js';

export interface KeywordCliOptions {
  keywords: string[];
  mapping?: string;
  allow: string[];
  policy?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function addKeywordOptions(command: Command): Command {
  return command
    .option('-p, --policy <file>', 'policy YAML (default: policies/cn-default.yaml)')
    .option(
      '-k, --keywords <file[=category]>',
      'keyword library (.txt, .csv or compiled .bin); repeatable; =CODE gives the whole file a category',
      collect,
      [],
    )
    .option('--mapping <file>', 'file-name → category mapping (default: data/keywords/shared-lists.yaml)')
    .option('--allow <file>', 'allow-list file (one benign term a line); repeatable', collect, []);
}

export function keywordSpecs(options: KeywordCliOptions): KeywordSourceSpec[] {
  return options.keywords.map(parseSourceSpec);
}

export function fileMapping(options: KeywordCliOptions): FileCategoryMapping | undefined {
  const path = options.mapping ?? builtinKeywordPaths().sharedLists;
  if (!options.mapping && !existsSync(path)) return undefined;
  return mappingLookup(loadListMapping(path));
}
