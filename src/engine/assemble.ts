/**
 * Builds a ready Moderator from files: the policy, hegui's builtin keyword library and allow-list,
 * the policy's extra libraries and any the caller adds (CLI `--keywords`). The one place that turns
 * paths into compiled parts; the moderator itself stays pure.
 */
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import type { Classifier } from './classifier/classifier.js';
import { builtinModelPath, loadClassifier } from './classifier/load.js';
import { deserializeMatcher } from './keywords/binary.js';
import { buildLibrary, type LibrarySource } from './keywords/library.js';
import {
  loadAllowList,
  loadKeywordSource,
  type FileCategoryMapping,
  type KeywordSourceSpec,
} from './keywords/load.js';
import { KeywordMatcher } from './keywords/matcher.js';
import type { KeywordLibrary, LibraryDiagnostic } from './keywords/types.js';
import { readFileSync } from 'node:fs';
import { HeguiError } from './errors.js';
import { createModerator, type Moderator } from './moderator.js';
import { builtinKeywordPaths, defaultPolicyPath, loadPolicy } from './policy/load.js';
import type { Policy } from './policy/schema.js';

export interface AssembleOptions {
  /** A parsed policy, or a path to one; default `policies/cn-default.yaml`. */
  readonly policy?: Policy | string;
  /** Extra keyword sources (`.txt`, `.csv`, or compiled `.bin`). */
  readonly keywords?: readonly KeywordSourceSpec[];
  /** Category for files by name (the shared lists' mapping). */
  readonly mapping?: FileCategoryMapping;
  /** Extra allow-list files (one term a line). */
  readonly extraAllowFiles?: readonly string[];
  readonly redactionKey?: string;
  /**
   * A ready classifier, or a model file, used instead of the policy's `detectors.classifier.model`
   * (only when the policy enables the classifier).
   */
  readonly classifier?: Classifier | string;
}

export interface Assembled {
  readonly moderator: Moderator;
  readonly policy: Policy;
  /** The library compiled from text sources (builtin + policy + extra `.txt`/`.csv`). */
  readonly library: KeywordLibrary;
  /** Every compiled matcher, text sources first, then each `.bin` as loaded. */
  readonly matchers: readonly KeywordMatcher[];
  readonly diagnostics: readonly LibraryDiagnostic[];
  /** The classifier, when the policy enables it. */
  readonly classifier?: Classifier;
}

export function assembleModerator(options: AssembleOptions = {}): Assembled {
  const policyPath = typeof options.policy === 'object' ? undefined : (options.policy ?? defaultPolicyPath());
  const policy = typeof options.policy === 'object' ? options.policy : loadPolicy(policyPath!);
  const kw = policy.detectors.keywords;
  const builtin = builtinKeywordPaths();
  const specs: KeywordSourceSpec[] = [
    ...(kw.builtin ? [{ path: builtin.library }] : []),
    ...kw.libraries.map((l) => ({ path: l.path, category: l.category, action: l.action })),
    ...(options.keywords ?? []),
  ];
  const allow = [
    ...(kw.builtin ? loadAllowList(builtin.allowList) : []),
    ...policy.allowList,
    ...policy.allowListFiles.flatMap((path) => loadAllowList(path)),
    ...(options.extraAllowFiles ?? []).flatMap((path) => loadAllowList(path)),
  ];

  const textSources: LibrarySource[] = [];
  const binaries: KeywordMatcher[] = [];
  const diagnostics: LibraryDiagnostic[] = [];
  for (const spec of specs) {
    if (extname(spec.path).toLowerCase() === '.bin') {
      const matcher = deserializeMatcher(readBinary(spec.path), spec.path);
      if (JSON.stringify(matcher.data.normalize) !== JSON.stringify(policy.normalize)) {
        diagnostics.push({
          severity: 'warning',
          where: spec.path,
          message: 'compiled with other normalisation options than the policy; it keeps its own',
        });
      }
      binaries.push(matcher);
    } else {
      textSources.push(loadKeywordSource(spec, options.mapping));
    }
  }
  const library = buildLibrary(textSources, allow);
  const matchers: KeywordMatcher[] = [];
  if (library.entries.length > 0) {
    const compiled = KeywordMatcher.compile(library, {
      normalize: policy.normalize,
      pinyinCategories: kw.pinyin,
    });
    matchers.push(compiled);
    diagnostics.push(...compiled.diagnostics);
  } else {
    diagnostics.push(...library.diagnostics);
  }
  matchers.push(...binaries);
  const classifier = policy.detectors.classifier.enabled
    ? typeof options.classifier === 'object'
      ? options.classifier
      : loadClassifier(options.classifier ?? modelPath(policy.detectors.classifier.model, policyPath))
    : undefined;
  const moderator = createModerator({
    policy,
    keywords: matchers,
    redactionKey: options.redactionKey,
    ...(classifier ? { classifier } : {}),
  });
  return { moderator, policy, library, matchers, diagnostics, ...(classifier ? { classifier } : {}) };
}

function readBinary(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new HeguiError('keywords_invalid', (err as Error).message, path, { cause: err });
  }
}

/** `builtin` → the shipped model; a relative path → against the policy file's folder (or the cwd). */
function modelPath(model: string, policyPath: string | undefined): string {
  if (model === 'builtin') return builtinModelPath();
  if (isAbsolute(model)) return model;
  return resolve(policyPath ? dirname(policyPath) : '.', model);
}
