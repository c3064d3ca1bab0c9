import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { buildStamp, hasLabelElements, measureStamp, stampImage, type StampPosition } from './visible.js';

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

async function grey(bytes: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Independent measurement: changed pixels give the stamp box; bright pixels inside its middle give the text. */
async function measure(original: Buffer, labelled: Buffer) {
  const a = await grey(original);
  const b = await grey(labelled);
  const box: Box = { left: Infinity, top: Infinity, right: -1, bottom: -1 };
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const i = y * a.width + x;
      if (Math.abs((a.data[i] ?? 0) - (b.data[i] ?? 0)) > 24) {
        box.left = Math.min(box.left, x);
        box.right = Math.max(box.right, x);
        box.top = Math.min(box.top, y);
        box.bottom = Math.max(box.bottom, y);
      }
    }
  }
  const inset = Math.ceil((box.bottom - box.top + 1) * 0.25);
  let top = -1;
  let bottom = -1;
  let textSum = 0;
  let textN = 0;
  let plateSum = 0;
  let plateN = 0;
  for (let y = box.top; y <= box.bottom; y++) {
    for (let x = box.left + inset; x <= box.right - inset; x++) {
      const v = b.data[y * b.width + x] ?? 0;
      if (v >= 200) {
        if (top < 0) top = y;
        bottom = y;
        textSum += v;
        textN++;
      } else if (v < 128) {
        plateSum += v;
        plateN++;
      }
    }
  }
  return {
    box,
    textHeight: bottom - top + 1,
    contrast: textSum / Math.max(1, textN) - plateSum / Math.max(1, plateN),
    width: a.width,
    height: a.height,
  };
}

async function canvas(width: number, height: number, background: string): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background } })
    .png()
    .toBuffer();
}

async function photo(width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[i] = (x * 255) / width;
      raw[i + 1] = (y * 255) / height;
      raw[i + 2] = ((x * y) >> 4) & 255;
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

describe('visible image label', () => {
  const cases: [string, () => Promise<Buffer>, StampPosition | undefined][] = [
    ['white 1024×1024', () => canvas(1024, 1024, '#ffffff'), undefined],
    ['black 800×600', () => canvas(800, 600, '#000000'), 'top-left'],
    ['grey portrait 480×1200', () => canvas(480, 1200, '#808080'), 'bottom'],
    ['gradient 1280×720', () => photo(1280, 720), 'top-right'],
  ];
  for (const [name, make, position] of cases) {
    it(`${name}: text height ≥ 5 % of the shorter side, on an edge, legible`, async () => {
      const original = await make();
      const { bytes, record } = await stampImage(original, 'png', position ? { position } : {});
      const m = await measure(original, bytes);
      const shorter = Math.min(m.width, m.height);
      expect(m.textHeight).toBeGreaterThanOrEqual(Math.ceil(0.05 * shorter));
      expect(m.textHeight).toBeLessThan(0.1 * shorter);
      expect(m.contrast).toBeGreaterThan(120);
      const margin = 0.05 * shorter;
      const edges = [m.box.left, m.box.top, m.width - 1 - m.box.right, m.height - 1 - m.box.bottom];
      expect(Math.min(...edges)).toBeLessThanOrEqual(margin);
      if (position === undefined) {
        expect(edges[2]).toBeLessThanOrEqual(margin);
        expect(edges[3]).toBeLessThanOrEqual(margin);
      }
      // The record matches what was drawn, and the verifier's measurement agrees.
      expect(m.box.left).toBeGreaterThanOrEqual(record.x);
      expect(m.box.bottom).toBeLessThan(record.y + record.height);
      const own = await measureStamp(bytes, record);
      expect(Math.abs(own.textHeight - m.textHeight)).toBeLessThanOrEqual(1);
    });
  }

  it('a JPEG keeps its format and the stamp survives lossy encoding', async () => {
    const original = await sharp(await photo(900, 700))
      .jpeg()
      .toBuffer();
    const { bytes, format } = await stampImage(original, 'jpeg', {
      text: '人工智能合成',
      position: 'bottom-left',
    });
    expect(format).toBe('jpeg');
    expect((await sharp(bytes).metadata()).format).toBe('jpeg');
    const m = await measure(original, bytes);
    expect(m.textHeight).toBeGreaterThanOrEqual(Math.ceil(0.05 * 700));
    expect(m.box.left).toBeLessThanOrEqual(0.05 * 700);
  });

  it('different wording draws different glyphs', async () => {
    const a = buildStamp(1000, 1000, { text: 'AI生成' });
    const b = buildStamp(1000, 1000, { text: 'AI合成' });
    expect(a.svg.equals(b.svg)).toBe(false);
    expect(a.svg.toString().match(/<path /g)).toHaveLength(4);
  });

  it('refuses wording without both elements, glyphs it lacks, a ratio below 5 % and too small images', () => {
    expect(hasLabelElements('AI生成')).toBe(true);
    expect(hasLabelElements('人工智能生成合成')).toBe(true);
    expect(hasLabelElements('AI')).toBe(false);
    expect(hasLabelElements('生成')).toBe(false);
    expect(() => buildStamp(1000, 1000, { text: 'AI' })).toThrow(/generation element/);
    expect(() => buildStamp(1000, 1000, { text: 'AI生成🙂' })).toThrow(/no glyph/);
    expect(() => buildStamp(1000, 1000, { textHeightRatio: 0.04 })).toThrow(/between 0.05/);
    expect(() => buildStamp(40, 30, { text: '本内容由人工智能生成合成' })).toThrow(/too small/);
  });

  it('applies EXIF orientation before stamping, so the label sits where the viewer sees it', async () => {
    const rotated = await sharp(await canvas(400, 300, '#ffffff'))
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const { bytes, record } = await stampImage(rotated, 'jpeg');
    const meta = await sharp(bytes).metadata();
    expect([meta.width, meta.height]).toEqual([300, 400]);
    expect(meta.orientation ?? 1).toBe(1);
    expect(record.x + record.width).toBeLessThanOrEqual(300);
  });
});

describe('stamping keeps the metadata', () => {
  const XMP = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>studio</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

  for (const format of ['png', 'jpeg'] as const) {
    it(`${format}: EXIF and XMP of the input survive the fast path`, async () => {
      const img = sharp(await canvas(400, 300, '#445566'))
        .withExif({ IFD0: { Copyright: 'hegui test' } })
        .withXmp(XMP);
      const input = format === 'png' ? await img.png().toBuffer() : await img.jpeg().toBuffer();
      const { bytes } = await stampImage(input, format);
      const meta = await sharp(bytes).metadata();
      expect(meta.format).toBe(format);
      expect(meta.exif?.toString('latin1')).toContain('hegui test');
      expect(meta.xmp?.toString('utf8')).toContain('<rdf:li>studio</rdf:li>');
    });
  }

  it('an image with an ICC profile goes through sharp and keeps the profile', async () => {
    const input = await sharp(await canvas(400, 300, '#445566'))
      .withIccProfile('p3')
      .jpeg()
      .toBuffer();
    expect((await sharp(input).metadata()).icc).toBeDefined();
    const { bytes, record } = await stampImage(input, 'jpeg');
    expect((await sharp(bytes).metadata()).icc).toBeDefined();
    expect((await measureStamp(bytes, record)).textHeight).toBeGreaterThanOrEqual(15);
  });

  it('grey and RGBA images are stamped in their own channel layout', async () => {
    const greyPng = await sharp(await canvas(400, 300, '#ffffff'))
      .greyscale()
      .png()
      .toBuffer();
    const rgba = await sharp({
      create: { width: 400, height: 300, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    for (const input of [greyPng, rgba]) {
      const before = await sharp(input).metadata();
      const { bytes, record } = await stampImage(input, 'png');
      const after = await sharp(bytes).metadata();
      expect(after.channels).toBe(before.channels);
      const m = await measureStamp(bytes, record);
      expect(m.textHeight).toBeGreaterThanOrEqual(15);
    }
  });
});
