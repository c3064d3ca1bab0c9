import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { labelImageBuffer, labelImageMetadata } from './apply.js';
import { readImage, writeImageLabel } from './container.js';
import { verifyImage } from './verify.js';
import { parseWebpChunks } from './webp.js';
import { findAigcInXmp } from './xmp.js';

const PRODUCER = '001191110102MACQD9K64010000';
const JSON1 = '{"Label":"1","ContentProducer":"001191110102MACQD9K64010000","ProduceID":"w"}';
const XMP = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>studio</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

async function webp(kind: 'lossy' | 'lossless-alpha' | 'extended'): Promise<Buffer> {
  const channels = kind === 'lossless-alpha' ? 4 : 3;
  const raw = Buffer.alloc(99 * 61 * channels);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 37) % 256;
  let img = sharp(raw, { raw: { width: 99, height: 61, channels } });
  if (kind === 'extended') img = img.withXmp(XMP);
  return img.webp({ lossless: kind === 'lossless-alpha' }).toBuffer();
}

describe('webp metadata, chunk level', () => {
  for (const kind of ['lossy', 'lossless-alpha', 'extended'] as const) {
    it(`${kind}: one label, pixels and digest unchanged, libvips reads the XMP and the size`, async () => {
      const input = await webp(kind);
      const before = readImage(input);
      expect(before).toMatchObject({ format: 'webp', width: 99, height: 61, sites: [] });
      const out = writeImageLabel(input, JSON1);
      const after = readImage(out);
      expect(after.sites.map((s) => s.json)).toEqual([JSON1]);
      expect(after.digest().equals(before.digest())).toBe(true);
      const meta = await sharp(out).metadata();
      expect([meta.width, meta.height, meta.hasAlpha]).toEqual([99, 61, kind === 'lossless-alpha']);
      expect(findAigcInXmp(meta.xmp?.toString('utf8') ?? '')).toEqual([JSON1]);
      if (kind === 'extended') expect(meta.xmp?.toString('utf8')).toContain('<rdf:li>studio</rdf:li>');
      const [a, b] = await Promise.all([sharp(input).raw().toBuffer(), sharp(out).raw().toBuffer()]);
      expect(b.equals(a)).toBe(true);
      const chunks = parseWebpChunks(out).map((c) => c.fourcc);
      expect(chunks[0]).toBe('VP8X');
      expect(chunks.filter((c) => c === 'XMP ')).toHaveLength(1);
      expect(out.readUInt32LE(4)).toBe(out.length - 8);
      expect((parseWebpChunks(out)[0]!.data[0] ?? 0) & 0x04).toBe(0x04);
      expect(readImage(writeImageLabel(out, JSON1.replace('"w"', '"v"'))).sites).toHaveLength(1);
    });
  }

  it('labels with the visible stamp and verifies; exiftool reads it when installed', async () => {
    const input = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#7799bb' } })
      .webp()
      .toBuffer();
    const result = await labelImageBuffer(input, { producer: PRODUCER, visible: true });
    expect(result.format).toBe('webp');
    expect((await verifyImage(result.bytes, { requireVisible: true })).failures).toEqual([]);
    const meta = labelImageMetadata(input, { producer: PRODUCER });
    expect(meta.report.compliant).toBe(true);
    if (spawnSync('exiftool', ['-ver']).status === 0) {
      const path = join(mkdtempSync(join(tmpdir(), 'hegui-webp-')), 'x.webp');
      writeFileSync(path, result.bytes);
      const r = spawnSync('exiftool', ['-j', '-XMP-TC260:all', '-G1', path], { encoding: 'utf8' });
      expect(JSON.parse(r.stdout)[0]['XMP-TC260:Aigc']).toBe(result.json);
    }
  });
});
