import sharp from 'sharp';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { labelImageBuffer, labelMarkdown } from './apply.js';
import { readImage, writeImageLabel } from './container.js';
import { labelToJson, emptyLabel } from './model.js';
import { inspectImage, inspectMarkdown, NOTICES, propagateImage, propagateMarkdown } from './propagate.js';
import { addTextLabel } from './text.js';
import { verifyImage, verifyMarkdown } from './verify.js';

const PRODUCER = '001191110102MACQD9K64010000';
const PLATFORM = '001191110102MAD55U9H0F20001';
const producerKey = generateKeyPairSync('ed25519').privateKey;
const platformKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;

async function plain(format: 'png' | 'jpeg'): Promise<Buffer> {
  const img = sharp({ create: { width: 640, height: 480, channels: 3, background: '#3a6ea5' } });
  return format === 'png' ? img.png().toBuffer() : img.jpeg().toBuffer();
}

for (const format of ['png', 'jpeg'] as const) {
  describe(`propagator mode (${format})`, () => {
    it('labelled file: keeps Label "1" and the producer fields; both signatures verify', async () => {
      const produced = await labelImageBuffer(await plain(format), {
        producer: PRODUCER,
        visible: true,
        signKey: producerKey,
      });
      const inspected = inspectImage(produced.bytes);
      expect(inspected).toMatchObject({ status: 'labelled', basis: 'metadata', notice: NOTICES.labelled });
      const result = propagateImage(produced.bytes, {
        propagator: PLATFORM,
        propagateId: 'plat-42',
        signKey: platformKey,
      });
      expect(result.label).toEqual({
        ...produced.label,
        ContentPropagator: PLATFORM,
        PropagateID: 'plat-42',
        ReservedCode2: expect.stringMatching(/^hegui1;h=.+;a=es256;k=.+;s=.+$/),
      });
      const report = await verifyImage(result.bytes!, { requireVisible: true, requireSignature: true });
      expect(report.failures).toEqual([]);
      expect(report.producer?.status).toBe('ok');
      expect(report.propagator?.status).toBe('ok');
      expect(readImage(result.bytes!).sites).toHaveLength(1);
    });

    it('declared only → Label "2"; detected only → Label "3"; neither → nothing written', async () => {
      const input = await plain(format);
      const declared = propagateImage(input, { propagator: PLATFORM, declared: true });
      expect(declared.inspect).toMatchObject({ status: 'declared', notice: NOTICES.declared });
      expect(declared.label).toMatchObject({
        Label: '2',
        ContentProducer: '',
        ProduceID: '',
        ContentPropagator: PLATFORM,
      });
      expect((await verifyImage(declared.bytes!)).compliant).toBe(true);
      const detected = propagateImage(input, { propagator: PLATFORM, detected: true });
      expect(detected.inspect).toMatchObject({ status: 'suspected', notice: NOTICES.suspected });
      expect(detected.label?.Label).toBe('3');
      const none = propagateImage(input, { propagator: PLATFORM });
      expect(none.inspect.status).toBe('unlabelled');
      expect(none.bytes).toBeUndefined();
      // A re-upload of a declared file keeps Label "2".
      expect(inspectImage(declared.bytes!).status).toBe('declared');
    });

    it('duplicate or malformed labels are inconclusive, never "not AI"', async () => {
      const input = await plain(format);
      const malformed = writeImageLabel(input, '{"Label":"1",');
      expect(inspectImage(malformed)).toMatchObject({ status: 'inconclusive', notice: NOTICES.inconclusive });
      expect(propagateImage(malformed, { propagator: PLATFORM, declared: true }).bytes).toBeUndefined();
    });

    it('refuses a generation-service code as propagator', async () => {
      const produced = await labelImageBuffer(await plain(format), { producer: PRODUCER });
      expect(() => propagateImage(produced.bytes, { propagator: PRODUCER })).toThrow(/generation service/);
    });
  });
}

describe('propagator mode (Markdown)', () => {
  it('front-matter label kept; explicit text label alone counts as detection', () => {
    const { markdown } = labelMarkdown('正文', { producer: PRODUCER, signKey: producerKey });
    const propagated = propagateMarkdown(markdown, { propagator: PLATFORM });
    expect(propagated.label?.Label).toBe('1');
    expect(verifyMarkdown(propagated.markdown!).failures).toEqual([]);
    const onlyText = addTextLabel('转载的文章');
    expect(inspectMarkdown(onlyText)).toMatchObject({ status: 'suspected', basis: 'explicit_text_label' });
    expect(propagateMarkdown(onlyText, { propagator: PLATFORM }).label?.Label).toBe('3');
    expect(propagateMarkdown('普通文章', { propagator: PLATFORM, declared: true }).label?.Label).toBe('2');
    expect(propagateMarkdown('普通文章', { propagator: PLATFORM }).markdown).toBeUndefined();
    expect(labelToJson(emptyLabel('2'))).toContain('"Label":"2"');
  });
});
