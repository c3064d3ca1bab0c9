/**
 * WebP (RIFF) at chunk level: `RIFF size WEBP` then chunks `FourCC size(LE) data [pad]`.
 *
 * Label site: the `AIGC` property in the XMP packet of the `XMP ` chunk. Metadata needs the
 * extended format: a simple file (`VP8 ` or `VP8L` only) gets a `VP8X` header chunk with the
 * canvas size read from the bitstream; the XMP flag is set in `VP8X`.
 *
 * Content digest: SHA-256 over `WEBP` and every chunk except `VP8X` (derived from the others),
 * `EXIF` and `XMP `; the RIFF size field is not covered.
 */
import { HeguiError } from '../engine/errors.js';
import { digestOf, type ContainerInfo, type LabelSite } from './container-types.js';
import { findAigcInXmp, newXmpPacket, upsertAigc } from './xmp.js';

const XMP_FLAG = 0x04;
const ALPHA_FLAG = 0x10;
const NOT_DIGESTED: ReadonlySet<string> = new Set(['VP8X', 'EXIF', 'XMP ']);

export interface WebpChunk {
  readonly fourcc: string;
  readonly start: number;
  /** After the data and its pad byte. */
  readonly end: number;
  readonly data: Buffer;
}

export function isWebp(bytes: Uint8Array): boolean {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return b.length >= 16 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP';
}

export function parseWebpChunks(bytes: Buffer, where = 'webp'): WebpChunk[] {
  if (!isWebp(bytes)) throw new HeguiError('input_invalid', 'not a WebP file', where);
  const riffEnd = 8 + bytes.readUInt32LE(4);
  if (riffEnd > bytes.length)
    throw new HeguiError('input_invalid', 'WebP RIFF size runs past the end of the file', where);
  const chunks: WebpChunk[] = [];
  let pos = 12;
  while (pos + 8 <= riffEnd) {
    const size = bytes.readUInt32LE(pos + 4);
    const dataEnd = pos + 8 + size;
    if (dataEnd > riffEnd)
      throw new HeguiError('input_invalid', `WebP chunk at byte ${pos} runs past the end`, where);
    chunks.push({
      fourcc: bytes.toString('latin1', pos, pos + 4),
      start: pos,
      end: Math.min(riffEnd, dataEnd + (size & 1)),
      data: bytes.subarray(pos + 8, dataEnd),
    });
    pos = dataEnd + (size & 1);
  }
  if (!chunks.some((c) => c.fourcc === 'VP8 ' || c.fourcc === 'VP8L' || c.fourcc === 'ANMF')) {
    throw new HeguiError('input_invalid', 'WebP has no image data', where);
  }
  return chunks;
}

/** Canvas size and alpha from the bitstream of a simple (non-extended) file. */
function bitstreamInfo(
  chunks: readonly WebpChunk[],
  where: string,
): { width: number; height: number; alpha: boolean } {
  const vp8l = chunks.find((c) => c.fourcc === 'VP8L');
  if (vp8l && vp8l.data.length >= 5 && vp8l.data[0] === 0x2f) {
    const bits = vp8l.data.readUInt32LE(1);
    return {
      width: (bits & 0x3fff) + 1,
      height: ((bits >>> 14) & 0x3fff) + 1,
      alpha: ((bits >>> 28) & 1) === 1,
    };
  }
  const vp8 = chunks.find((c) => c.fourcc === 'VP8 ');
  if (vp8 && vp8.data.length >= 10 && vp8.data[3] === 0x9d && vp8.data[4] === 0x01 && vp8.data[5] === 0x2a) {
    return {
      width: vp8.data.readUInt16LE(6) & 0x3fff,
      height: vp8.data.readUInt16LE(8) & 0x3fff,
      alpha: false,
    };
  }
  throw new HeguiError('input_invalid', 'cannot read the WebP bitstream header', where);
}

function size(chunks: readonly WebpChunk[], where: string): { width: number; height: number } {
  const vp8x = chunks.find((c) => c.fourcc === 'VP8X');
  if (vp8x && vp8x.data.length >= 10) {
    return { width: vp8x.data.readUIntLE(4, 3) + 1, height: vp8x.data.readUIntLE(7, 3) + 1 };
  }
  const info = bitstreamInfo(chunks, where);
  return { width: info.width, height: info.height };
}

export function readWebp(bytes: Buffer, where = 'webp'): ContainerInfo {
  const chunks = parseWebpChunks(bytes, where);
  const sites: LabelSite[] = [];
  for (const chunk of chunks) {
    if (chunk.fourcc !== 'XMP ') continue;
    for (const json of findAigcInXmp(chunk.data.toString('utf8')))
      sites.push({ location: 'webp:XMP:TC260:AIGC', json });
  }
  const ranges = () => [
    bytes.subarray(8, 12),
    ...chunks.filter((c) => !NOT_DIGESTED.has(c.fourcc)).map((c) => bytes.subarray(c.start, c.end)),
  ];
  return {
    format: 'webp',
    ...size(chunks, where),
    sites,
    problems: [],
    ranges,
    digest: () => digestOf(ranges()),
  };
}

function chunk(fourcc: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(fourcc, 0, 'latin1');
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat(data.length & 1 ? [head, data, Buffer.alloc(1)] : [head, data]);
}

/**
 * Writes `json` into the file's XMP chunk (updated in place, or added after the image data and
 * EXIF), setting the XMP flag in `VP8X` (added when the file was in the simple format).
 */
export function writeWebpLabel(bytes: Buffer, json: string, where = 'webp'): Buffer {
  const chunks = parseWebpChunks(bytes, where);
  const xmp = chunks.filter((c) => c.fourcc === 'XMP ');
  const total = xmp.reduce((n, c) => n + findAigcInXmp(c.data.toString('utf8')).length, 0);
  if (total > 1) throw new HeguiError('input_invalid', `the file already has ${total} AIGC labels`, where);
  const target = xmp.find((c) => findAigcInXmp(c.data.toString('utf8')).length > 0) ?? xmp[0];
  const packet = target ? upsertAigc(target.data.toString('utf8'), json) : newXmpPacket(json);
  const xmpChunk = chunk('XMP ', Buffer.from(packet, 'utf8'));
  const parts: Buffer[] = [];
  let vp8x = chunks.find((c) => c.fourcc === 'VP8X');
  if (!vp8x) {
    const info = bitstreamInfo(chunks, where);
    const data = Buffer.alloc(10);
    data[0] = XMP_FLAG | (info.alpha ? ALPHA_FLAG : 0);
    data.writeUIntLE(info.width - 1, 4, 3);
    data.writeUIntLE(info.height - 1, 7, 3);
    parts.push(chunk('VP8X', data));
  }
  const lastPayload = chunks.reduce(
    (last, c, i) => (['VP8 ', 'VP8L', 'ALPH', 'ANMF', 'EXIF'].includes(c.fourcc) ? i : last),
    -1,
  );
  chunks.forEach((c, i) => {
    if (c === vp8x) {
      const data = Buffer.from(c.data);
      data[0] = (data[0] ?? 0) | XMP_FLAG;
      parts.push(chunk('VP8X', data));
      vp8x = undefined;
    } else if (c === target) {
      parts.push(xmpChunk);
    } else {
      parts.push(bytes.subarray(c.start, c.end));
    }
    if (!target && i === lastPayload) parts.push(xmpChunk);
  });
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length + 4, 4);
  head.write('WEBP', 8, 'latin1');
  return Buffer.concat([head, body]);
}
