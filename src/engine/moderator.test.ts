import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLibrary } from './keywords/library.js';
import { KeywordMatcher } from './keywords/matcher.js';
import { parseKeywordText } from './keywords/parse.js';
import { createModerator, keywordAction, type Moderator } from './moderator.js';
import { parsePolicy } from './policy/load.js';

const POLICY = `
name: test
version: "1"
actions:
  default: block
  A1: block
  A2: { input: review, output: block }
  pii: { input: allow, output: redact }
  spam: review
allowList: [大赌博家]
`;

const LIBRARY = [
  '赌博\tA1h',
  '冰毒\tA1h\thard',
  '代开发票\tspam',
  '地域黑\tA2d',
  '疫情+隐瞒\tA1g',
  '可疑词\tA1h\treview',
].join('\n');

function moderatorFor(policyYaml = POLICY): Moderator {
  const policy = parsePolicy(policyYaml, 'test.yaml');
  const library = buildLibrary(
    [parseKeywordText(LIBRARY, 'lib.txt', { combinations: true })],
    policy.allowList,
  );
  return createModerator({
    policy,
    keywords: KeywordMatcher.compile(library, { normalize: policy.normalize }),
  });
}

describe('moderate', () => {
  const m = moderatorFor();

  it('allows clean text', () => {
    expect(m.moderate('今天天气很好', { direction: 'input' })).toEqual({
      action: 'allow',
      direction: 'input',
      categories: [],
      evidence: [],
      policyVersion: 'test@1',
      redactedText: undefined,
    } as unknown as object);
  });

  it('blocks an A1 term through an evasion and reports its original span', () => {
    const v = m.moderate('一起賭*博吧', { direction: 'input' });
    expect(v.action).toBe('block');
    expect(v.categories).toEqual([{ code: 'A1h', score: 1, action: 'block' }]);
    expect(v.evidence).toEqual([
      expect.objectContaining({
        start: 2,
        end: 5,
        term: '赌博',
        category: 'A1h',
        detector: 'keywords',
        source: 'lib.txt:1',
      }),
    ]);
  });

  it('applies per-direction actions and orders categories by severity', () => {
    expect(m.moderate('别搞地域黑', { direction: 'input' }).action).toBe('review');
    const v = m.moderate('代开发票，别搞地域黑', { direction: 'output' });
    expect(v.action).toBe('block');
    expect(v.categories.map((c) => `${c.code}:${c.action}`)).toEqual(['A2d:block', 'spam:review']);
  });

  it('redacts PII on output and allows it on input', () => {
    expect(m.moderate('电话13812345678', { direction: 'input' }).action).toBe('allow');
    const v = m.moderate('电话13812345678', { direction: 'output' });
    expect(v.action).toBe('redact');
    expect(v.redactedText).toBe('电话138****5678');
  });

  it('honours the allow-list, review-only and hard entries', () => {
    expect(m.moderate('他是大赌博家', { direction: 'input' }).action).toBe('allow');
    expect(m.moderate('这是可疑词', { direction: 'input' }).action).toBe('review');
    const lenient = moderatorFor(POLICY.replace('A1: block', 'A1: review'));
    expect(lenient.moderate('赌博', { direction: 'input' }).action).toBe('review');
    expect(lenient.moderate('冰毒', { direction: 'input' }).action).toBe('block');
  });

  it('fires a combination term only when every part occurs', () => {
    expect(m.moderate('疫情期间', { direction: 'input' }).action).toBe('allow');
    const v = m.moderate('隐瞒了疫情', { direction: 'input' });
    expect(v.action).toBe('block');
    expect(v.evidence).toHaveLength(1);
    expect(v.evidence[0]).toMatchObject({ term: '疫情+隐瞒', start: 3, end: 5 });
  });

  it('runs no keyword check when the policy turns the detector off', () => {
    const off = moderatorFor(POLICY + 'detectors: { keywords: { enabled: false } }\n');
    expect(off.moderate('赌博', { direction: 'input' }).action).toBe('allow');
  });
});

describe('keywordAction', () => {
  it('lets a library entry refine the category action', () => {
    expect(keywordAction('review', 'hard')).toBe('block');
    expect(keywordAction('allow', 'hard')).toBe('block');
    expect(keywordAction('review', 'block')).toBe('block');
    expect(keywordAction('allow', 'block')).toBe('allow');
    expect(keywordAction('block', 'review')).toBe('review');
    expect(keywordAction('redact', 'review')).toBe('redact');
    expect(keywordAction('review', undefined)).toBe('review');
  });
});

function streamAll(m: Moderator, chunks: string[], direction: 'input' | 'output') {
  const s = m.stream({ direction });
  let released = '';
  for (const c of chunks) {
    const step = s.push(c);
    released += step.text;
    if (step.blocked) return { released, blocked: true, verdict: step.verdict! };
  }
  const last = s.end();
  return { released: released + last.text, blocked: last.blocked, verdict: last.verdict };
}

function chunkAt(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let at = 0;
  for (const p of points) {
    out.push(text.slice(at, p));
    at = p;
  }
  return [...out, text.slice(at)];
}

describe('stream moderator', () => {
  const m = moderatorFor();
  const piece = fc.constantFrom(
    '今天',
    '天气',
    '赌',
    '博',
    '*',
    ' ',
    '大',
    '家',
    '138',
    '1234',
    '5678',
    '电话',
    '。',
    'ok',
  );

  it('releases exactly what whole-text moderation would, for every chunking', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 16 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (pieces, cuts) => {
          const text = pieces.join('');
          const whole = m.moderate(text, { direction: 'output' });
          const streamed = streamAll(m, chunkAt(text, cuts), 'output');
          expect(streamed.blocked).toBe(whole.action === 'block');
          if (whole.action === 'block') {
            // Nothing from the first blocked span on ever reached the reader.
            const first = whole.evidence.find((e) => e.action === 'block')!;
            expect(streamed.released.length).toBeLessThanOrEqual(first.start);
            const redacted = whole.evidence.some((e) => e.action === 'redact' && e.start < first.start);
            // …and nothing safe before it was lost.
            if (!redacted) expect(streamed.released).toBe(text.slice(0, first.start));
          } else {
            expect(streamed.released).toBe(whole.redactedText ?? text);
            expect(streamed.verdict.action).toBe(whole.action);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('stops the moment a banned term completes and holds back its start', () => {
    const s = m.stream({ direction: 'output' });
    expect(s.push('我们去').text).toBe('我们去');
    expect(s.push('赌').text).toBe('');
    const step = s.push('博');
    expect(step.blocked).toBe(true);
    expect(step.verdict?.categories[0]?.code).toBe('A1h');
    expect(s.push('更多').blocked).toBe(true);
  });
});
