export * from './types.js';
export {
  parseKeywordText,
  parseKeywordCsv,
  UNCLASSIFIED,
  MAX_TERM_LENGTH,
  type ParseOptions,
} from './parse.js';
export { buildLibrary, countByCategory, type LibrarySource } from './library.js';
export { loadListMapping, parseListMapping, mappingLookup, type ListMapping } from './mapping.js';
export {
  loadKeywords,
  loadKeywordSource,
  loadAllowList,
  parseSourceSpec,
  type KeywordSourceSpec,
  type FileCategoryMapping,
} from './load.js';
export {
  KeywordMatcher,
  sortHits,
  type MatcherOptions,
  type MatcherData,
  type PatternVariant,
} from './matcher.js';
export { KeywordStreamScanner } from './scanner.js';
export { arrayTable, tableToArray, type EntryTable } from './entries.js';
export { serializeMatcher, deserializeMatcher, FORMAT_VERSION } from './binary.js';
export { pinyinVariants } from './pinyin.js';
export { buildAutomaton, step, type AutomatonArrays } from './automaton.js';
