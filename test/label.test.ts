/**
 * Labeling end to end: files labelled by hegui as independent readers see them (exifr always,
 * exiftool when installed), tampering, metadata-dropping re-encodes, duplicates, bad codes.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  labelImageBuffer,
  labelImageMetadata,
  labelToJson,
  parseLabelJson,
  readImage,
  requireReadBack,
  sealProducer,
  stampImage,
  verifyImage,
  verifyImageMetadata,
  writeImageLabel,
  type AigcLabel,
} from '../src/label/index.js';

const PRODUCER = '001191110102MACQD9K64010000';
const key = generateKeyPairSync('ed25519').privateKey;
const dir = mkdtempSync(join(tmpdir(), 'hegui-label-'));
const hasExiftool = spawnSync('exiftool', ['-ver'], { encoding: 'utf8' }).status === 0;

async function image(format: 'png' | 'jpeg', width = 512, height = 384): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++)
    raw[i] = ((i % (width * 3)) * 131 + Math.floor(i / (width * 3)) * 17) & 255;
  const img = sharp(raw, { raw: { width, height, channels: 3 } });
  return format === 'png' ? img.png().toBuffer() : img.jpeg({ quality: 88 }).toBuffer();
}

function codes(report: { failures: readonly { code: string }[] }): string[] {
  return report.failures.map((f) => f.code);
}

/** Rewrites the label JSON in place (what a tamperer with a metadata editor does). */
function tamper(bytes: Buffer, edit: (label: AigcLabel) => AigcLabel): Buffer {
  const label = parseLabelJson(readImage(bytes).sites[0]!.json).label!;
  return writeImageLabel(bytes, labelToJson(edit(label)));
}

for (const format of ['png', 'jpeg'] as const) {
  describe(`${format}: labelled files`, () => {
    it('exifr (an independent reader) sees TC260:AIGC with the exact JSON', async () => {
      const result = await labelImageBuffer(await image(format), {
        producer: PRODUCER,
        visible: true,
        signKey: key,
      });
      const parsed = await exifr.parse(result.bytes, { xmp: true, mergeOutput: false, tiff: false });
      const tc260 = (parsed as Record<string, Record<string, unknown>>).TC260;
      expect(tc260?.AIGC).toBe(result.json);
      expect(JSON.parse(String(tc260?.AIGC))).toEqual(result.label);
      expect(result.report.compliant).toBe(true);
    });

    it('exiftool reads XMP-TC260:AIGC (skipped when exiftool is not installed)', async (ctx) => {
      if (!hasExiftool) ctx.skip();
      const result = labelImageMetadata(await image(format), { producer: PRODUCER, signKey: key });
      const path = join(dir, `exiftool.${format}`);
      writeFileSync(path, result.bytes);
      const r = spawnSync('exiftool', ['-j', '-G1', '-XMP-TC260:all', path], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      const [tags] = JSON.parse(r.stdout) as Record<string, string>[];
      expect(tags?.['XMP-TC260:Aigc']).toBe(result.json);
    });

    it('an existing XMP packet survives the visible label and gets the label added', async () => {
      const xmp = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>studio</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
      const input = await sharp(await image(format))
        .withXmp(xmp)
        .toFormat(format)
        .toBuffer();
      const result = await labelImageBuffer(input, { producer: PRODUCER, visible: true });
      const packet = (await sharp(result.bytes).metadata()).xmp?.toString('utf8') ?? '';
      expect(packet).toContain('<rdf:li>studio</rdf:li>');
      expect(packet).toContain(`<TC260:AIGC>${result.json}</TC260:AIGC>`);
      expect(readImage(result.bytes).sites).toHaveLength(1);
    });

    it('round trip: metadata-only labeling keeps every pixel', async () => {
      const input = await image(format);
      const result = labelImageMetadata(input, { producer: PRODUCER, produceId: 'rt-1' });
      expect(result.label.ProduceID).toBe('rt-1');
      const [a, b] = await Promise.all([sharp(input).raw().toBuffer(), sharp(result.bytes).raw().toBuffer()]);
      expect(b.equals(a)).toBe(true);
      expect((await verifyImage(result.bytes)).compliant).toBe(true);
    });

    it('flipping one byte of ProduceID fails the signature', async () => {
      const { bytes, label } = labelImageMetadata(await image(format), { producer: PRODUCER, signKey: key });
      const flipped = tamper(bytes, (l) => ({
        ...l,
        ProduceID: `${l.ProduceID.slice(0, 5)}${l.ProduceID[5] === 'f' ? 'e' : 'f'}${l.ProduceID.slice(6)}`,
      }));
      expect(readImage(flipped).sites[0]!.json).not.toBe(labelToJson(label));
      const report = verifyImageMetadata(flipped);
      expect(report.compliant).toBe(false);
      expect(codes(report)).toEqual(['signature_invalid']);
    });

    it('an edited field without a signature is caught by the hash; swapped content too', async () => {
      const { bytes } = labelImageMetadata(await image(format), { producer: PRODUCER });
      expect(codes(verifyImageMetadata(tamper(bytes, (l) => ({ ...l, ProduceID: 'another-id' }))))).toEqual([
        'hash_mismatch',
      ]);
      const other = await image(format, 512, 385);
      const swapped = writeImageLabel(other, readImage(bytes).sites[0]!.json);
      expect(codes(verifyImageMetadata(swapped))).toEqual(['hash_mismatch']);
    });

    it('a re-encode that drops metadata is caught; one that keeps it breaks the hash', async () => {
      const { bytes } = await labelImageBuffer(await image(format), { producer: PRODUCER, visible: true });
      const dropped =
        format === 'png' ? await sharp(bytes).png().toBuffer() : await sharp(bytes).jpeg().toBuffer();
      expect(codes(await verifyImage(dropped))).toEqual(['no_label']);
      const kept =
        format === 'png'
          ? await sharp(bytes).keepMetadata().png({ compressionLevel: 9 }).toBuffer()
          : await sharp(bytes).keepMetadata().jpeg({ quality: 70 }).toBuffer();
      expect(readImage(kept).sites).toHaveLength(1);
      expect(codes(await verifyImage(kept))).toContain('hash_mismatch');
    });

    it('read-back refuses a written file that lost its label', async () => {
      const { bytes, json } = labelImageMetadata(await image(format), { producer: PRODUCER });
      expect(() => requireReadBack(verifyImageMetadata(bytes), json, 'ok')).not.toThrow();
      const dropped =
        format === 'png' ? await sharp(bytes).png().toBuffer() : await sharp(bytes).jpeg().toBuffer();
      expect(() => requireReadBack(verifyImageMetadata(dropped), json, 'out')).toThrow(
        /out: read-back verification failed: the written label does not read back as written; no_label/,
      );
    });

    it('duplicates, a bad provider code (wrong USCC check) and malformed JSON are listed', async () => {
      const input = await image(format);
      const { bytes } = labelImageMetadata(input, { producer: PRODUCER });
      const badCode = tamper(bytes, (l) => ({ ...l, ContentProducer: '001191110102MACQD9K64110000' }));
      expect(codes(verifyImageMetadata(badCode))).toEqual(
        expect.arrayContaining(['bad_provider_code', 'hash_mismatch']),
      );
      expect(codes(verifyImageMetadata(writeImageLabel(input, '{"Label":"1"')))).toEqual(['malformed_json']);
      expect(codes(verifyImageMetadata(input))).toEqual(['no_label']);
      let dup: Buffer;
      if (format === 'png') {
        const ihdrEnd = 8 + 25;
        const text = Buffer.from(`AIGC\0${readImage(bytes).sites[0]!.json}`, 'latin1');
        const { makeChunk } = await import('../src/label/png.js');
        dup = Buffer.concat([bytes.subarray(0, ihdrEnd), makeChunk('tEXt', text), bytes.subarray(ihdrEnd)]);
      } else {
        const { parseJpeg } = await import('../src/label/jpeg.js');
        const seg = parseJpeg(bytes).segments.find((s) => s.marker === 0xe1)!;
        dup = Buffer.concat([
          bytes.subarray(0, seg.end),
          bytes.subarray(seg.start, seg.end),
          bytes.subarray(seg.end),
        ]);
      }
      expect(codes(verifyImageMetadata(dup))).toEqual(['duplicate_label']);
      expect(() => labelImageMetadata(bytes, { producer: PRODUCER })).toThrow(/already carries/);
      expect(() => labelImageMetadata(input, { producer: '001191110102MACQD9K64110000' })).toThrow(
        /unified social credit code/,
      );
    });

    it('visible label: required and measured; a record claiming a too-small stamp fails', async () => {
      const input = await image(format);
      const meta = labelImageMetadata(input, { producer: PRODUCER });
      expect(codes(await verifyImage(meta.bytes, { requireVisible: true }))).toEqual(['visible_missing']);
      const stamped = await labelImageBuffer(input, { producer: PRODUCER, visible: true });
      const report = await verifyImage(stamped.bytes, { requireVisible: true });
      expect(report.compliant).toBe(true);
      expect(report.visible?.measuredTextHeight).toBeGreaterThanOrEqual(Math.ceil(0.05 * 384));
      // A record pointing at a region without the stamp, or claiming 10 px text, fails.
      const bare = await stampImage(input, format);
      for (const [target, visible, code] of [
        [input, { x: 0, y: 0, width: 120, height: 40, textHeight: 30 }, 'visible_missing'],
        [bare.bytes, { ...bare.record, textHeight: 10 }, 'visible_too_small'],
      ] as const) {
        const label = { ...stamped.label, ReservedCode1: '' };
        label.ReservedCode1 = sealProducer(label, readImage(target).digest(), { visible });
        const forged = writeImageLabel(target, labelToJson(label));
        expect(codes(await verifyImage(forged, { requireVisible: true })), code).toContain(code);
      }
    });
  });
}
