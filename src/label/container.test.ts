import sharp from 'sharp';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyLabel, labelToJson } from './model.js';
import { readImage, writeImageLabel } from './container.js';
import { parseJpeg } from './jpeg.js';
import { makeChunk, parsePngChunks } from './png.js';
import { findAigcInXmp } from './xmp.js';

const PRODUCER = '001191110102MACQD9K64010000';
const JSON1 = '{"Label":"1","ContentProducer":"001191110102MACQD9K64010000","ProduceID":"a"}';
const JSON2 = '{"Label":"1","ContentProducer":"001191110102MACQD9K64010000","ProduceID":"b"}';

async function noisy(format: 'png' | 'jpeg', xmp?: string): Promise<Buffer> {
  const w = 96;
  const h = 64;
  const raw = Buffer.alloc(w * h * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7919) % 251;
  let img = sharp(raw, { raw: { width: w, height: h, channels: 3 } });
  if (xmp) img = img.withXmp(xmp);
  return format === 'png' ? img.png().toBuffer() : img.jpeg({ quality: 85 }).toBuffer();
}

const DC_XMP = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>studio</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

for (const format of ['png', 'jpeg'] as const) {
  describe(`${format} metadata, chunk/segment level`, () => {
    it('writes one label, reads it back, and leaves the pixels and content digest alone', async () => {
      const input = await noisy(format);
      const before = readImage(input);
      expect(before).toMatchObject({ format, width: 96, height: 64, sites: [] });
      const out = writeImageLabel(input, JSON1);
      const after = readImage(out);
      expect(after.sites.map((s) => s.json)).toEqual([JSON1]);
      expect(after.digest().equals(before.digest())).toBe(true);
      const [a, b] = await Promise.all([sharp(input).raw().toBuffer(), sharp(out).raw().toBuffer()]);
      expect(b.equals(a)).toBe(true);
      // Updating keeps exactly one label.
      const again = writeImageLabel(out, JSON2);
      expect(readImage(again).sites.map((s) => s.json)).toEqual([JSON2]);
      expect(readImage(again).digest().equals(before.digest())).toBe(true);
    });

    it('updates an existing XMP packet instead of replacing it', async () => {
      const input = await noisy(format, DC_XMP);
      const out = writeImageLabel(input, JSON1);
      const xmp = (await sharp(out).metadata()).xmp?.toString('utf8') ?? '';
      expect(xmp).toContain('<rdf:li>studio</rdf:li>');
      expect(findAigcInXmp(xmp)).toEqual([JSON1]);
    });

    it('any change to the image data changes the digest; metadata does not', async () => {
      const input = await noisy(format);
      const reencoded =
        format === 'png'
          ? await sharp(input).png({ compressionLevel: 9 }).toBuffer()
          : await sharp(input).jpeg({ quality: 84 }).toBuffer();
      expect(readImage(reencoded).digest().equals(readImage(input).digest())).toBe(false);
      const withXmp = format === 'png' ? await sharp(input).withXmp(DC_XMP).png().toBuffer() : input;
      if (format === 'png') {
        // sharp re-encodes here, so only check that the XMP chunk itself is outside the digest.
        const chunks = parsePngChunks(withXmp).filter((c) => c.type !== 'iTXt');
        const rebuilt = Buffer.concat([
          withXmp.subarray(0, 8),
          ...chunks.map((c) => withXmp.subarray(c.start, c.end)),
        ]);
        expect(readImage(rebuilt).digest().equals(readImage(withXmp).digest())).toBe(true);
      }
    });

    it('refuses to write into a file that already has two labels, and reports both', async () => {
      const input = await noisy(format);
      const once = writeImageLabel(input, JSON1);
      let twice: Buffer;
      if (format === 'png') {
        const chunks = parsePngChunks(once);
        const ihdr = chunks[0]!;
        const text = makeChunk('tEXt', Buffer.from(`AIGC\0${JSON2}`, 'latin1'));
        twice = Buffer.concat([once.subarray(0, ihdr.end), text, once.subarray(ihdr.end)]);
      } else {
        const seg = parseJpeg(once).segments.find((s) => s.marker === 0xe1)!;
        twice = Buffer.concat([
          once.subarray(0, seg.end),
          once.subarray(seg.start, seg.end),
          once.subarray(seg.end),
        ]);
      }
      expect(readImage(twice).sites).toHaveLength(2);
      expect(() => writeImageLabel(twice, JSON1)).toThrow(/already has 2 AIGC labels/);
    });
  });
}

describe('png chunks', () => {
  it('written chunks have valid CRCs and the label sits before the image data', async () => {
    const out = writeImageLabel(await noisy('png'), JSON1);
    const chunks = parsePngChunks(out);
    for (const c of chunks)
      expect(out.readUInt32BE(c.end - 4)).toBe(crc32(out.subarray(c.start + 4, c.end - 4)));
    const types = chunks.map((c) => c.type);
    expect(types.indexOf('iTXt')).toBeLessThan(types.indexOf('IDAT'));
    expect(
      chunks
        .find((c) => c.type === 'iTXt')!
        .data.subarray(0, 18)
        .toString('latin1'),
    ).toBe('XML:com.adobe.xmp\0');
  });

  it('reads tEXt and compressed iTXt AIGC chunks; flags a bad CRC', async () => {
    const input = await noisy('png');
    const ihdrEnd = parsePngChunks(input)[0]!.end;
    const text = makeChunk('tEXt', Buffer.from(`AIGC\0${JSON1}`, 'latin1'));
    const withText = Buffer.concat([input.subarray(0, ihdrEnd), text, input.subarray(ihdrEnd)]);
    expect(readImage(withText).sites).toEqual([{ location: 'png:tEXt:AIGC', json: JSON1 }]);
    // Updating a tEXt-only label keeps it where it is: still one site.
    expect(readImage(writeImageLabel(withText, JSON2)).sites).toEqual([
      { location: 'png:tEXt:AIGC', json: JSON2 },
    ]);
    const chinese = JSON2.replace('"b"', '"标识"');
    expect(readImage(writeImageLabel(withText, chinese)).sites).toEqual([
      { location: 'png:iTXt:AIGC', json: chinese },
    ]);
    const broken = Buffer.from(withText);
    broken.writeUInt8((broken[ihdrEnd + 12] ?? 0) ^ 1, ihdrEnd + 12);
    expect(readImage(broken).problems[0]).toMatch(/bad CRC/);
  });

  it('rejects truncated and non-PNG input', async () => {
    const input = await noisy('png');
    expect(() => readImage(input.subarray(0, input.length - 20))).toThrow(/runs past the end|no IEND/);
    expect(() => readImage(Buffer.from('GIF89a....'))).toThrow(/unsupported image format/);
  });
});

describe('jpeg segments', () => {
  it('inserts the XMP APP1 after JFIF/EXIF and before the tables', async () => {
    const input = await sharp(await noisy('jpeg'))
      .withExif({ IFD0: { Copyright: 'x' } })
      .jpeg()
      .toBuffer();
    const out = writeImageLabel(input, JSON1);
    const markers = parseJpeg(out).segments.map((s) => s.marker.toString(16));
    const xmpIndex = parseJpeg(out).segments.findIndex(
      (s) => s.data.subarray(0, 28).toString('latin1') === 'http://ns.adobe.com/xap/1.0/',
    );
    expect(markers.slice(0, xmpIndex).every((m) => m === 'e0' || m === 'e1')).toBe(true);
    expect(markers.slice(xmpIndex + 1)).toContain('db');
    expect((await sharp(out).metadata()).exif).toBeDefined();
  });

  it('rejects a JPEG cut before its image data', async () => {
    const input = await noisy('jpeg');
    expect(() => readImage(input.subarray(0, 30))).toThrow(/JPEG/);
  });
});

describe('label round trip (property)', () => {
  it('any label JSON written into PNG, JPEG or WebP reads back identically, digest unchanged', async () => {
    const inputs = [
      await noisy('png'),
      await noisy('jpeg'),
      await sharp(await noisy('png'))
        .webp()
        .toBuffer(),
    ];
    const digests = inputs.map((b) => readImage(b).digest());
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.constantFrom(0, 1, 2), (id, which) => {
        const json = labelToJson({ ...emptyLabel('1'), ContentProducer: PRODUCER, ProduceID: id });
        const out = readImage(writeImageLabel(inputs[which] as Buffer, json));
        return (
          out.sites.length === 1 &&
          out.sites[0]?.json === json &&
          out.digest().equals(digests[which] as Buffer)
        );
      }),
      { numRuns: 300 },
    );
  });
});
