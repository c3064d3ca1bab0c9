import { describe, expect, it } from 'vitest';
import { labelMarkdown, labelText } from './apply.js';
import { labelToJson } from './model.js';
import {
  addTextLabel,
  chatLabelDeltas,
  DEFAULT_TEXT_PREFIX,
  DEFAULT_TEXT_SUFFIX,
  hasExplicitTextLabel,
  readMarkdownLabel,
  splitMarkdown,
  textDigest,
} from './text.js';
import { verifyMarkdown, verifyPlainText } from './verify.js';

const PRODUCER = '001191110102MACQD9K64010000';

describe('explicit text labels', () => {
  it('prefix, suffix or both; default wording has both elements', () => {
    expect(addTextLabel('正文')).toBe(`${DEFAULT_TEXT_PREFIX}\n正文`);
    expect(addTextLabel('正文', { position: 'suffix' })).toBe(`正文\n${DEFAULT_TEXT_SUFFIX}`);
    expect(addTextLabel('正文', { position: 'both', separator: ' ' })).toBe(
      `${DEFAULT_TEXT_PREFIX} 正文 ${DEFAULT_TEXT_SUFFIX}`,
    );
    expect(addTextLabel('x', { prefix: 'AI合成：', separator: '' })).toBe('AI合成：x');
    expect(() => addTextLabel('x', { prefix: 'AI' })).toThrow(/generation element/);
  });

  it('is found in the first or last 64 characters only', () => {
    const long = '天'.repeat(200);
    expect(hasExplicitTextLabel(addTextLabel(long))).toBe(true);
    expect(hasExplicitTextLabel(addTextLabel(long, { position: 'suffix' }))).toBe(true);
    expect(hasExplicitTextLabel(long + DEFAULT_TEXT_PREFIX + long)).toBe(false);
    expect(hasExplicitTextLabel(long)).toBe(false);
    expect(verifyPlainText(long).failures.map((f) => f.code)).toEqual(['visible_missing']);
    expect(verifyPlainText(addTextLabel(long)).compliant).toBe(true);
  });

  it('chat: first/last deltas reassemble to the labelled text; the header carries the implicit label', () => {
    const deltas = chatLabelDeltas({ position: 'both' });
    const answer = ['你好', '，世界'];
    expect([deltas.first, ...answer, deltas.last].join('')).toBe(
      addTextLabel(answer.join(''), { position: 'both' }),
    );
    expect(chatLabelDeltas({ position: 'suffix' }).first).toBeUndefined();
    const labelled = labelText('回答', { producer: PRODUCER });
    expect(labelled.text).toBe(`${DEFAULT_TEXT_PREFIX}\n回答`);
    expect(JSON.parse(labelled.header)).toMatchObject({ Label: '1', ContentProducer: PRODUCER });
    expect(labelled.header).toBe(labelToJson(labelled.label));
    expect(labelled.label.ReservedCode1).toMatch(/^hegui1;h=/);
  });
});

describe('Markdown export', () => {
  it('writes an AIGC front matter mapping with the seven fields in order; verify passes', () => {
    const { markdown, label } = labelMarkdown('# 标题\n\n正文', { producer: PRODUCER, produceId: 'md-1' });
    expect(markdown).toMatch(
      /^---\nAIGC:\n {2}Label: "1"\n {2}ContentProducer: 001191110102MACQD9K64010000\n {2}ProduceID: md-1\n {2}ReservedCode1: hegui1;h=\S+\n {2}ContentPropagator: ""\n {2}PropagateID: ""\n {2}ReservedCode2: ""\n---\n/,
    );
    expect(splitMarkdown(markdown).body).toBe(`${DEFAULT_TEXT_PREFIX}\n# 标题\n\n正文`);
    expect(readMarkdownLabel(markdown).sites).toEqual([labelToJson(label)]);
    expect(verifyMarkdown(markdown, { requireVisible: true }).compliant).toBe(true);
  });

  it('keeps an existing front matter; an edited body breaks the hash', () => {
    const { markdown } = labelMarkdown('---\ntitle: 报告\ntags: [a, b]\n---\n正文', { producer: PRODUCER });
    expect(markdown).toContain('title: 报告');
    expect(markdown).toContain('tags: [ a, b ]');
    const edited = markdown.replace('正文', '改过的正文');
    expect(verifyMarkdown(edited).failures.map((f) => f.code)).toEqual(['hash_mismatch']);
    expect(textDigest('a').equals(textDigest('a'))).toBe(true);
  });

  it('flags duplicate AIGC keys and refuses to label twice', () => {
    const { markdown } = labelMarkdown('正文', { producer: PRODUCER, explicit: false });
    const dup = markdown.replace('---\nAIGC:', '---\nAIGC: x\nAIGC:');
    expect(verifyMarkdown(dup).failures.map((f) => f.code)).toContain('duplicate_label');
    expect(() => labelMarkdown(markdown, { producer: PRODUCER })).toThrow(/already carries/);
    expect(verifyMarkdown('正文').failures.map((f) => f.code)).toEqual(['no_label']);
  });
});
