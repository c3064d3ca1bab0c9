/**
 * Labeling cost against a plain sharp re-encode of the same image, measured side by side
 * (interleaved runs, medians), and metadata-only labeling of a PNG. Writes bench/LABEL-RESULTS.md.
 *
 *   npx tsx --expose-gc bench/label-bench.ts [--runs N]
 *
 * Bars (issue 5): metadata + visible label ≤ 1.5× a plain re-encode for a 1024×1024 PNG and JPEG;
 * metadata-only PNG labeling (no re-encode) ≤ 2 ms.
 */
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import {
  labelImageBuffer,
  labelImageMetadata,
  loadSigningKey,
  verifyImageMetadata,
} from '../src/label/index.js';

const PRODUCER = '001191110102MACQD9K64010000';
const SIZE = 1024;
const JPEG_QUALITY = 90;
const argRuns = process.argv.indexOf('--runs');
const RUNS = argRuns > 0 ? Number(process.argv[argRuns + 1]) : 40;
const META_RUNS = 2000;

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** A photo-like test image: smooth gradients, shapes and mild noise (compresses like a render). */
async function testImage(): Promise<Buffer> {
  const raw = Buffer.alloc(SIZE * SIZE * 3);
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const i = (y * SIZE + x) * 3;
      const r = Math.hypot(x - 600, y - 400);
      const n = (rand() - 0.5) * 12;
      raw[i] = Math.max(0, Math.min(255, 128 + 100 * Math.sin(x / 97) + n));
      raw[i + 1] = Math.max(0, Math.min(255, (r < 220 ? 220 : 90) + 60 * Math.cos(y / 53) + n));
      raw[i + 2] = Math.max(0, Math.min(255, (x * y) / (SIZE * 4) + n));
    }
  }
  return sharp(raw, { raw: { width: SIZE, height: SIZE, channels: 3 } })
    .png()
    .toBuffer();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function p90(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length * 0.9)] ?? NaN;
}

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

interface Row {
  format: string;
  bytes: number;
  plain: number[];
  labelled: number[];
}

async function sideBySide(
  format: 'png' | 'jpeg',
  input: Buffer,
  key: ReturnType<typeof loadSigningKey>,
): Promise<Row> {
  const plain = () =>
    format === 'png'
      ? sharp(input).png().toBuffer()
      : sharp(input).jpeg({ quality: JPEG_QUALITY }).toBuffer();
  const label = () =>
    labelImageBuffer(input, { producer: PRODUCER, visible: true, signKey: key, quality: JPEG_QUALITY });
  for (let i = 0; i < 3; i++) {
    await plain();
    await label();
  }
  const row: Row = { format, bytes: input.length, plain: [], labelled: [] };
  for (let i = 0; i < RUNS; i++) {
    gc();
    // Alternate the order so neither side always runs on a warmer cache.
    if (i % 2 === 0) {
      row.plain.push(await time(plain));
      row.labelled.push(await time(label));
    } else {
      row.labelled.push(await time(label));
      row.plain.push(await time(plain));
    }
  }
  return row;
}

async function main() {
  sharp.concurrency(1);
  const key = loadSigningKey(generateKeyPairSync('ed25519').privateKey);
  const png = await testImage();
  const jpeg = await sharp(png).jpeg({ quality: JPEG_QUALITY }).toBuffer();

  const rows = [await sideBySide('png', png, key), await sideBySide('jpeg', jpeg, key)];

  const metaUnsigned: number[] = [];
  const metaSigned: number[] = [];
  const verifyMeta: number[] = [];
  let labelled = png;
  for (let i = 0; i < 50; i++) labelImageMetadata(png, { producer: PRODUCER, signKey: key });
  for (let i = 0; i < META_RUNS; i++) {
    if (i % 200 === 0) gc();
    metaUnsigned.push(await time(() => labelImageMetadata(png, { producer: PRODUCER })));
    metaSigned.push(
      await time(() => {
        labelled = labelImageMetadata(png, { producer: PRODUCER, signKey: key }).bytes;
      }),
    );
    verifyMeta.push(await time(() => verifyImageMetadata(labelled)));
  }

  const lines: string[] = [];
  lines.push('# Labeling benchmark (issue 5)', '');
  lines.push(
    `Command: \`npx tsx --expose-gc bench/label-bench.ts\` (${RUNS} interleaved runs per side, medians; p90 in brackets).`,
  );
  lines.push(
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, Node ${process.version}, sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}, \`sharp.concurrency(1)\`.`,
  );
  lines.push(
    `Image: ${SIZE}×${SIZE} RGB, photo-like synthetic (gradients, shapes, noise); PNG ${(png.length / 1024).toFixed(0)} KiB, JPEG q${JPEG_QUALITY} ${(jpeg.length / 1024).toFixed(0)} KiB.`,
    '',
  );
  lines.push('## Metadata + visible label vs a plain sharp re-encode (bar ≤ 1.5×)', '');
  lines.push(
    '| format | plain re-encode (ms) | labelImageBuffer, visible + XMP + Ed25519 + read-back (ms) | ratio | bar |',
  );
  lines.push('|---|---|---|---|---|');
  for (const r of rows) {
    const ratio = median(r.labelled) / median(r.plain);
    lines.push(
      `| ${r.format} | ${median(r.plain).toFixed(1)} (${p90(r.plain).toFixed(1)}) | ${median(r.labelled).toFixed(1)} (${p90(r.labelled).toFixed(1)}) | ${ratio.toFixed(2)}× | ${ratio <= 1.5 ? 'pass' : 'FAIL'} |`,
    );
  }
  lines.push('', '## Metadata-only labeling of the PNG, no re-encode (bar ≤ 2 ms)', '');
  lines.push('| operation | median (ms) | p90 (ms) | bar |');
  lines.push('|---|---|---|---|');
  const meta: [string, number[], boolean][] = [
    ['labelImageMetadata, unsigned (hash), incl. read-back verify', metaUnsigned, true],
    ['labelImageMetadata, Ed25519-signed, incl. read-back verify', metaSigned, true],
    ['verifyImageMetadata of the labelled PNG', verifyMeta, false],
  ];
  for (const [name, xs, bar] of meta) {
    lines.push(
      `| ${name} | ${median(xs).toFixed(3)} | ${p90(xs).toFixed(3)} | ${bar ? (median(xs) <= 2 ? 'pass' : 'FAIL') : '-'} |`,
    );
  }
  lines.push(
    '',
    'Plain re-encode = `sharp(input).png()` / `.jpeg({ quality: 90 })` → buffer, the same encoder settings',
    'the labeler uses. The labeler decodes, auto-orients, composites the SVG stamp (vector glyphs, no font',
    'lookup), re-encodes once with the metadata kept, then writes the XMP label at chunk/segment level,',
    'hashes the content, signs, and reads the file back (parse, re-hash, verify the signature).',
    '',
  );
  const out = join(dirname(fileURLToPath(import.meta.url)), 'LABEL-RESULTS.md');
  writeFileSync(out, lines.join('\n'));
  process.stdout.write(`${lines.join('\n')}\nwritten to ${out}\n`);
}

await main();
