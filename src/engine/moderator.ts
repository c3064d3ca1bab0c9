/**
 * The moderator composes the detectors under a policy: `moderate(text)` for a whole text and
 * `stream()` for output arriving in chunks. Pure: it gets compiled parts (see assemble.ts for loading
 * them from files) and does no I/O.
 */
import type { Classifier } from './classifier/classifier.js';
import { HeguiError } from './errors.js';
import type { KeywordMatcher } from './keywords/matcher.js';
import type { KeywordAction, KeywordEntry, KeywordHit } from './keywords/types.js';
import { detectPii, redactPii } from './pii/index.js';
import type { PiiMatch, PiiType } from './pii/types.js';
import {
  classifierThreshold,
  policyVersion,
  resolveAction,
  type Action,
  type Direction,
  type Policy,
} from './policy/schema.js';
import { getCategory } from './taxonomy.js';
import { mostSevere, severity, type CategoryScore, type Evidence, type Verdict } from './verdict.js';

export interface ModeratorParts {
  readonly policy: Policy;
  /**
   * Compiled keyword libraries (e.g. the builtin one plus a large precompiled `.bin`, each with its own
   * allow-list); none, or the policy's keyword detector off → no keyword checks.
   */
  readonly keywords?: KeywordMatcher | readonly KeywordMatcher[];
  /** Secret for `redaction.mode: pseudonym`. */
  readonly redactionKey?: string;
  /** The trained classifier; required when the policy enables `detectors.classifier`. */
  readonly classifier?: Classifier;
}

export interface ModerateOptions {
  readonly direction: Direction;
}

/** One step of a stream: text that may be shown now, and whether the stream must stop. */
export interface StreamStep {
  /** Text cleared for release by this step (redactions applied). Empty when blocked. */
  readonly text: string;
  readonly blocked: boolean;
  /** Set when blocked, and on `end()`: the verdict over everything seen. */
  readonly verdict?: Verdict;
}

export interface StreamModerator {
  push(chunk: string): StreamStep;
  end(): StreamStep & { verdict: Verdict };
  /** Original offset up to which text has been released. */
  readonly released: number;
}

export interface Moderator {
  readonly policy: Policy;
  readonly policyVersion: string;
  moderate(text: string, options: ModerateOptions): Verdict;
  stream(options: ModerateOptions): StreamModerator;
}

interface Span {
  start: number;
  end: number;
  replacement: string;
}

/** Characters without which no PII value can occur (digits, @, the colon of IPv6), incl. full-width forms. */
const PII_TRIGGER = /[0-9@:\uff10-\uff19\uff20\uff1a]/;

/** Characters that can be part of a PII value; a stream holds back a trailing run of them. */
const PII_CHAR =
  /[0-9A-Za-z@.+\-_()（）·:\s\uff10-\uff19\uff21-\uff3a\uff41-\uff5a京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领警学挂]/;
/** A PII value is never longer than this (an IPv6 address with zone, a long e-mail is the worst case). */
const PII_HOLD_BACK = 80;

export function createModerator(parts: ModeratorParts): Moderator {
  const { policy } = parts;
  const version = policyVersion(policy);
  const matchers: readonly KeywordMatcher[] = !policy.detectors.keywords.enabled
    ? []
    : parts.keywords === undefined
      ? []
      : Array.isArray(parts.keywords)
        ? parts.keywords
        : [parts.keywords as KeywordMatcher];
  const piiTypes = policy.detectors.pii.enabled ? (policy.detectors.pii.types as PiiType[]) : [];
  const classifierPolicy = policy.detectors.classifier;
  if (classifierPolicy.enabled && !parts.classifier) {
    throw new HeguiError(
      'config_invalid',
      'the classifier is enabled but no model was given',
      'detectors.classifier',
    );
  }
  const classifier = classifierPolicy.enabled ? parts.classifier : undefined;
  /** Keyword categories whose `block` the classifier may soften to `review` in a benign text. */
  const judged = new Set<string>(
    classifierPolicy.judges ??
      (classifier ? classifier.categories.map((c) => getCategory(c)?.group ?? c) : []),
  );
  const judges = (code: string): boolean => judged.has(code) || judged.has(getCategory(code)?.group ?? '');
  const softening = classifier !== undefined && classifierPolicy.benignBelow > 0;
  if (policy.redaction.mode === 'pseudonym' && !parts.redactionKey) {
    throw new HeguiError(
      'config_invalid',
      'redaction.mode pseudonym needs a redaction key',
      'redaction.mode',
    );
  }

  /**
   * Evidence for keyword hits. `combos` is the text's (or stream's) record of which parts of each
   * combination entry have occurred; a combination fires once, on the hit that completes it.
   */
  const keywordEvidence = (
    keywords: KeywordMatcher,
    hits: readonly KeywordHit[],
    direction: Direction,
    combos: Map<KeywordEntry, Set<number>>,
    harmful: () => number,
  ): Evidence[] => {
    const evidence: Evidence[] = [];
    for (const hit of hits) {
      for (const entry of keywords.entries(hit.pattern)) {
        if (entry.parts) {
          let seen = combos.get(entry);
          if (!seen) combos.set(entry, (seen = new Set()));
          const parts = keywords.partPatterns(entry);
          if (seen.has(-1)) continue; // already fired
          seen.add(hit.pattern);
          if (parts.length === 0 || !parts.every((p) => seen.has(p))) continue;
          seen.add(-1);
        }
        let action = keywordAction(resolveAction(policy, entry.category, direction), entry.action);
        if (
          softening &&
          action === 'block' &&
          entry.action !== 'hard' &&
          judges(entry.category) &&
          harmful() < classifierPolicy.benignBelow
        ) {
          action = 'review'; // a listed word in a context the classifier finds benign: a human decides
        }
        evidence.push({
          start: hit.start,
          end: hit.end,
          term: entry.term,
          category: entry.category,
          detector: 'keywords',
          action,
          variant: keywords.variant(hit.pattern),
          source: entry.source,
        });
      }
    }
    return evidence;
  };

  const piiEvidence = (matches: readonly PiiMatch[], direction: Direction): Evidence[] =>
    matches.map((m) => ({
      start: m.start,
      end: m.end,
      term: getCategory(m.type)?.zh ?? m.type,
      category: m.type,
      detector: 'pii',
      action: resolveAction(policy, m.type, direction),
    }));

  /**
   * The classifier's own finding over `text` (spanning [start, end) of the original): the most likely
   * category, flagged for review or with the policy's action (capped by `maxAction`) per its thresholds.
   */
  const classifierEvidence = (
    text: string,
    direction: Direction,
    start: number,
    end: number,
  ): Evidence | undefined => {
    if (!classifier || text.trim() === '') return undefined;
    const scores = classifier.scores(text);
    const harmful = scores[0]!;
    let top = 0;
    for (let i = 1; i < classifier.categories.length; i++) if (scores[i + 1]! > scores[top + 1]!) top = i;
    const code = classifier.categories[top]!;
    const threshold = classifierThreshold(policy, code);
    if (harmful < threshold.review) return undefined;
    const policyAction = resolveAction(policy, code, direction);
    const capped = (a: Action): Action =>
      a === 'redact' ? 'review' : a === 'block' && classifierPolicy.maxAction === 'review' ? 'review' : a;
    const action =
      harmful >= threshold.block ? capped(policyAction) : policyAction === 'allow' ? 'allow' : 'review';
    return {
      start,
      end,
      term: getCategory(code)?.zh ?? code,
      category: code,
      detector: 'classifier',
      action,
      score: harmful,
    };
  };

  /** Replacement text for every redacted span of `text` (evidence offsets are relative to it). */
  const redactionSpans = (text: string, evidence: readonly Evidence[], pii: readonly PiiMatch[]): Span[] => {
    const spans: Span[] = [];
    const piiToRedact = pii.filter((m) =>
      evidence.some(
        (e) => e.detector === 'pii' && e.start === m.start && e.end === m.end && e.action === 'redact',
      ),
    );
    if (piiToRedact.length > 0) {
      const result = redactPii(text, piiToRedact, policy.redaction.mode, { key: parts.redactionKey });
      for (const r of result.replacements)
        spans.push({ start: r.start, end: r.end, replacement: r.replacement });
    }
    for (const e of evidence) {
      if (e.detector !== 'keywords' || e.action !== 'redact') continue;
      const replacement =
        policy.redaction.mode === 'mask'
          ? '*'.repeat([...text.slice(e.start, e.end)].length)
          : `[${getCategory(e.category)?.zh ?? e.category}]`;
      spans.push({ start: e.start, end: e.end, replacement });
    }
    return spans;
  };

  const verdictOf = (direction: Direction, evidence: Evidence[], redactedText?: string): Verdict => {
    const byCategory = new Map<string, CategoryScore>();
    let action: Action = 'allow';
    for (const e of evidence) {
      action = mostSevere(action, e.action);
      const seen = byCategory.get(e.category);
      const score = e.score ?? 1;
      if (
        !seen ||
        severity(e.action) > severity(seen.action) ||
        (severity(e.action) === severity(seen.action) && score > seen.score)
      )
        byCategory.set(e.category, { code: e.category, score, action: e.action });
    }
    const categories = [...byCategory.values()].sort(
      (a, b) => severity(b.action) - severity(a.action) || a.code.localeCompare(b.code),
    );
    evidence.sort((a, b) => a.start - b.start || a.end - b.end);
    return {
      action,
      direction,
      categories,
      evidence,
      policyVersion: version,
      ...(action === 'redact' && redactedText !== undefined ? { redactedText } : {}),
    };
  };

  const moderate = (text: string, { direction }: ModerateOptions): Verdict => {
    if (typeof text !== 'string') throw new HeguiError('input_invalid', 'text must be a string');
    const combos = new Map<KeywordEntry, Set<number>>();
    let harmful: number | undefined;
    const harmfulOnce = (): number => (harmful ??= classifier ? classifier.harmful(text) : 1);
    const evidence = matchers.flatMap((m) =>
      keywordEvidence(m, m.scan(text), direction, combos, harmfulOnce),
    );
    const judged = classifierEvidence(text, direction, 0, text.length);
    if (judged) evidence.push(judged);
    const pii = piiTypes.length > 0 ? detectPii(text, { types: piiTypes }) : [];
    evidence.push(...piiEvidence(pii, direction));
    const spans = redactionSpans(text, evidence, pii);
    return verdictOf(direction, evidence, spans.length > 0 ? applySpans(text, spans) : text);
  };

  const stream = ({ direction }: ModerateOptions): StreamModerator => {
    const scanners = matchers.map((matcher) => ({ matcher, scanner: matcher.stream() }));
    let all = '';
    let released = 0;
    let blocked: Verdict | undefined;
    const evidence: Evidence[] = [];
    /** Keyword evidence confirmed but not yet released (absolute offsets). */
    let pendingKeywords: Evidence[] = [];
    let ended = false;
    /** Set as soon as any evidence asks for a block (saves scanning the evidence on every chunk). */
    let blockSeen = false;
    const combos = new Map<KeywordEntry, Set<number>>();

    /** In a stream a keyword hit is judged by the classifier on the text seen so far. */
    const harmfulSoFar = (): number => (classifier ? classifier.harmful(all) : 1);
    const takeHits = (matcher: KeywordMatcher, hits: KeywordHit[]) => {
      if (hits.length === 0) return;
      let harmful: number | undefined;
      const harmfulOnce = (): number => (harmful ??= harmfulSoFar());
      for (const e of keywordEvidence(matcher, hits, direction, combos, harmfulOnce)) {
        evidence.push(e);
        pendingKeywords.push(e);
        if (e.action === 'block') blockSeen = true;
      }
    };

    /** Releases text up to `limit` (or less, so no PII value is cut), applying redactions. */
    const release = (limit: number, final: boolean): string => {
      const window = all.slice(released);
      let cut = limit - released;
      // Every PII value holds a digit, an @ or an IPv6 colon: text without one needs no recogniser run.
      const pii =
        piiTypes.length > 0 && PII_TRIGGER.test(window) ? detectPii(window, { types: piiTypes }) : [];
      if (!final) {
        // Hold back a trailing run that may still grow into a PII value.
        let runStart = window.length;
        while (
          runStart > 0 &&
          window.length - runStart < PII_HOLD_BACK &&
          PII_CHAR.test(window[runStart - 1]!)
        )
          runStart--;
        if (piiTypes.length > 0) cut = Math.min(cut, runStart);
        for (const m of pii) if (m.start < cut && m.end > cut) cut = m.start;
      }
      if (cut <= 0) return '';
      const finalPii = pii.filter((m) => m.end <= cut);
      const piiEv = piiEvidence(finalPii, direction);
      const keywordEv = pendingKeywords
        .filter((e) => e.end <= released + cut)
        .map((e) => ({ ...e, start: e.start - released, end: e.end - released }));
      pendingKeywords = pendingKeywords.filter((e) => e.end > released + cut);
      for (const e of piiEv) evidence.push({ ...e, start: e.start + released, end: e.end + released });
      if (piiEv.some((e) => e.action === 'block')) {
        blocked = verdictOf(direction, [...evidence]);
        return '';
      }
      const segment = window.slice(0, cut);
      const spans = redactionSpans(segment, [...keywordEv, ...piiEv], finalPii);
      released += cut;
      return spans.length > 0 ? applySpans(segment, spans) : segment;
    };

    /**
     * Blocks the stream. The text between what was released and the first blocked span is safe and
     * still owed to the reader ("nothing safe lost"); it goes out with the block, checked like any
     * other released text.
     */
    const blockNow = (): StreamStep => {
      const firstBlock = Math.min(...evidence.filter((e) => e.action === 'block').map((e) => e.start));
      const owed = firstBlock > released ? release(firstBlock, true) : '';
      blocked ??= verdictOf(direction, [...evidence]);
      return { text: owed, blocked: true, verdict: blocked };
    };

    return {
      get released() {
        return released;
      },
      push(chunk: string): StreamStep {
        if (ended) throw new HeguiError('input_invalid', 'stream already ended');
        if (blocked) return { text: '', blocked: true, verdict: blocked };
        all += chunk;
        for (const { matcher, scanner } of scanners) takeHits(matcher, scanner.push(chunk));
        if (blockSeen) return blockNow();
        const text = release(
          scanners.reduce((min, { scanner }) => Math.min(min, scanner.safeOffset), all.length),
          false,
        );
        if (blocked) return { text: '', blocked: true, verdict: blocked };
        return { text, blocked: false };
      },
      end() {
        if (ended || blocked) {
          ended = true;
          const verdict = blocked ?? verdictOf(direction, [...evidence]);
          return { text: '', blocked: verdict.action === 'block', verdict };
        }
        ended = true;
        for (const { matcher, scanner } of scanners) takeHits(matcher, scanner.end());
        // The classifier judges the whole text once it is complete; text released before is out, but a
        // block still withholds the held tail and marks the stream's verdict.
        const judged = classifierEvidence(all, direction, 0, all.length);
        if (judged) evidence.push(judged);
        if (evidence.some((e) => e.action === 'block')) {
          const step = blockNow();
          return { ...step, verdict: step.verdict! };
        }
        const text = release(all.length, true);
        const verdict = blocked ?? verdictOf(direction, [...evidence]);
        return { text: blocked ? '' : text, blocked: verdict.action === 'block', verdict };
      },
    };
  };

  return { policy, policyVersion: version, moderate, stream };
}

/**
 * A library entry's own action refines the policy's action for its category: `hard` and `block` block
 * (a `block` term blocks even where the category is only reviewed, unless the policy allows the
 * category outright), `review` never blocks on its own (noisy, context-dependent terms).
 */
export function keywordAction(policyAction: Action, entryAction: KeywordAction | undefined): Action {
  switch (entryAction) {
    case 'hard':
      return 'block';
    case 'block':
      return policyAction === 'allow' ? 'allow' : 'block';
    case 'review':
      return policyAction === 'block' ? 'review' : policyAction;
    default:
      return policyAction;
  }
}

/** Applies non-overlapping replacements (overlaps keep the earlier, longer span). */
export function applySpans(text: string, spans: readonly Span[]): string {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let at = 0;
  for (const s of sorted) {
    if (s.start < at) continue;
    out += text.slice(at, s.start) + s.replacement;
    at = s.end;
  }
  return out + text.slice(at);
}
