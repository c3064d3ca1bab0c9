/**
 * The engine's public API: pure moderation building blocks shared by the gateway, the CLI and the
 * assessment. `assembleModerator` (files → ready moderator) is the one entry that reads files.
 */
export * from './errors.js';
export * from './taxonomy.js';
export * from './verdict.js';
export * from './normalize/index.js';
export * from './keywords/index.js';
export * from './pii/index.js';
export * from './policy/schema.js';
export {
  parsePolicy,
  loadPolicy,
  defaultPolicyPath,
  builtinKeywordPaths,
  packageRoot,
} from './policy/load.js';
export {
  createModerator,
  keywordAction,
  type Moderator,
  type ModeratorParts,
  type StreamModerator,
  type StreamStep,
} from './moderator.js';
export { assembleModerator, type AssembleOptions, type Assembled } from './assemble.js';
export { coverageReport, formatCoverage, type CoverageReport } from './keywords/coverage.js';
export * as classifier from './classifier/index.js';
export * as guard from './guard/index.js';
