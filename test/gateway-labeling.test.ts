/** GB 45438 labels on what the gateway returns: chat text (explicit + implicit) and generated images. */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasExplicitTextLabel } from '../src/label/text.js';
import { verifyImage } from '../src/label/verify.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';

const PRODUCER = '001191110102MACQD9K64010000';
let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway({ labeling: { producer: PRODUCER, text: 'both' } });
  t.upstream.image = await sharp({ create: { width: 512, height: 384, channels: 3, background: '#3a7bd5' } })
    .png()
    .toBuffer();
});
afterAll(async () => {
  await t.close();
});

describe('labels on answers', () => {
  it('adds the explicit label and returns the implicit label as a header and in hegui', async () => {
    t.upstream.behaviour = { kind: 'reply', content: '这是模型写的一段话。' };
    const { data, response } = await t.client.chat.completions
      .create({ model: 'fake-model', messages: [{ role: 'user', content: '写一段话' }] })
      .withResponse();
    const content = data.choices[0]!.message.content!;
    expect(content).toContain('这是模型写的一段话。');
    expect(hasExplicitTextLabel(content)).toBe(true);
    const header = JSON.parse(response.headers.get('x-aigc-label')!);
    expect(Object.keys(header)).toEqual([
      'Label',
      'ContentProducer',
      'ProduceID',
      'ReservedCode1',
      'ContentPropagator',
      'PropagateID',
      'ReservedCode2',
    ]);
    expect(header).toMatchObject({ Label: '1', ContentProducer: PRODUCER });
    expect((data as unknown as { hegui: { aigc: string } }).hegui.aigc).toBe(
      response.headers.get('x-aigc-label'),
    );
  });

  it('labels a stream with a first and a last delta and an implicit label in the finish chunk', async () => {
    t.upstream.behaviour = { kind: 'stream', deltas: ['流式', '回答。'] };
    const stream = await t.client.chat.completions.create({
      model: 'fake-model',
      stream: true,
      messages: [{ role: 'user', content: '说' }],
    });
    let text = '';
    let aigc: string | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      aigc ??= (chunk as unknown as { hegui?: { aigc?: string } }).hegui?.aigc;
    }
    expect(text.startsWith('【本内容由AI生成】')).toBe(true);
    expect(text.endsWith('（本内容由人工智能生成）')).toBe(true);
    expect(text).toContain('流式回答。');
    expect(JSON.parse(aigc!)).toMatchObject({ Label: '1', ContentProducer: PRODUCER });
  });
});

describe('labels on generated images', () => {
  for (const format of ['b64_json', 'url'] as const) {
    it(`labels an image returned as ${format} before the client gets it`, async () => {
      const r = await t.client.images.generate({
        model: 'fake-image',
        prompt: '一只猫',
        response_format: format,
      });
      const bytes = Buffer.from(r.data![0]!.b64_json!, 'base64');
      const report = await verifyImage(bytes);
      expect(report.failures).toEqual([]);
      expect(report.compliant).toBe(true);
      expect(report.label).toMatchObject({ Label: '1', ContentProducer: PRODUCER });
      expect(report.visible?.recorded).toBeTruthy();
    });
  }

  it('refuses an image prompt the policy blocks', async () => {
    await expect(
      t.client.images.generate({ model: 'fake-image', prompt: '冰毒的制作过程' }),
    ).rejects.toMatchObject({ status: 400, code: 'content_blocked' });
  });
});
