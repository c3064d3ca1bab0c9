/**
 * PNG at chunk level: read the label sites, compute the content digest, write the label without
 * re-encoding. Chunks are `length(4) type(4) data crc(4)`, CRC-32 over type and data (node:zlib).
 *
 * Label sites: the `AIGC` property in the XMP packet (`iTXt` keyword `XML:com.adobe.xmp`; libvips
 * writes it as `zTXt`, which is read too and rewritten as `iTXt`), and
 * `tEXt`/`zTXt`/`iTXt` chunks with keyword `AIGC` that some producers write. The label is written
 * into the XMP packet (updated in place when present, else a new `iTXt` chunk after `IHDR`).
 *
 * Content digest: SHA-256 over the signature and every chunk except the text and metadata chunks
 * labeling may touch (`tEXt`, `zTXt`, `iTXt`, `eXIf`, `tIME`), i.e. over the image data, its
 * header, palette, colour information and the rest.
 */
import { crc32, inflateSync } from 'node:zlib';
import { HeguiError } from '../engine/errors.js';
import { digestOf, type ContainerInfo, type LabelSite } from './container-types.js';
import { findAigcInXmp, newXmpPacket, upsertAigc } from './xmp.js';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const XMP_KEYWORD = 'XML:com.adobe.xmp';
const METADATA_CHUNKS: ReadonlySet<string> = new Set(['tEXt', 'zTXt', 'iTXt', 'eXIf', 'tIME']);

export interface PngChunk {
  readonly type: string;
  /** Offset of the length field. */
  readonly start: number;
  /** Offset after the CRC. */
  readonly end: number;
  readonly data: Buffer;
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && Buffer.from(bytes.buffer, bytes.byteOffset, 8).equals(PNG_SIGNATURE);
}

export function parsePngChunks(bytes: Buffer, where = 'png'): PngChunk[] {
  if (!isPng(bytes)) throw new HeguiError('input_invalid', 'not a PNG file', where);
  const chunks: PngChunk[] = [];
  let pos = 8;
  while (pos < bytes.length) {
    if (pos + 12 > bytes.length)
      throw new HeguiError('input_invalid', `truncated PNG chunk at byte ${pos}`, where);
    const length = bytes.readUInt32BE(pos);
    const end = pos + 12 + length;
    if (length > 0x7fffffff || end > bytes.length) {
      throw new HeguiError('input_invalid', `PNG chunk at byte ${pos} runs past the end of the file`, where);
    }
    const type = bytes.toString('latin1', pos + 4, pos + 8);
    if (!/^[A-Za-z]{4}$/.test(type))
      throw new HeguiError('input_invalid', `bad PNG chunk type at byte ${pos}`, where);
    chunks.push({ type, start: pos, end, data: bytes.subarray(pos + 8, pos + 8 + length) });
    pos = end;
    if (type === 'IEND') break;
  }
  if (chunks[0]?.type !== 'IHDR')
    throw new HeguiError('input_invalid', 'PNG does not start with IHDR', where);
  if (chunks[chunks.length - 1]?.type !== 'IEND')
    throw new HeguiError('input_invalid', 'PNG has no IEND chunk', where);
  return chunks;
}

function crcOk(bytes: Buffer, chunk: PngChunk): boolean {
  return crc32(bytes.subarray(chunk.start + 4, chunk.end - 4)) === bytes.readUInt32BE(chunk.end - 4);
}

export function makeChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

interface TextChunk {
  readonly keyword: string;
  readonly text: string;
}

/** Decodes tEXt (Latin-1), zTXt (deflate) and iTXt (UTF-8, optionally deflate). */
function decodeText(chunk: PngChunk): TextChunk | undefined {
  const data = chunk.data;
  const nul = data.indexOf(0);
  if (nul < 1) return undefined;
  const keyword = data.toString('latin1', 0, nul);
  try {
    // XMP is UTF-8 whatever chunk carries it (libvips writes it as zTXt).
    const encoding = keyword === XMP_KEYWORD ? 'utf8' : 'latin1';
    if (chunk.type === 'tEXt') return { keyword, text: data.toString(encoding, nul + 1) };
    if (chunk.type === 'zTXt') {
      return { keyword, text: inflateSync(data.subarray(nul + 2)).toString(encoding) };
    }
    // iTXt: keyword \0 compressionFlag compressionMethod language \0 translatedKeyword \0 text
    const flag = data[nul + 1];
    const langEnd = data.indexOf(0, nul + 3);
    const transEnd = langEnd < 0 ? -1 : data.indexOf(0, langEnd + 1);
    if (transEnd < 0) return undefined;
    const raw = data.subarray(transEnd + 1);
    return { keyword, text: (flag === 1 ? inflateSync(raw) : raw).toString('utf8') };
  } catch {
    return undefined;
  }
}

function iTXt(keyword: string, text: string): Buffer {
  return makeChunk(
    'iTXt',
    Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0, 0, 0, 0, 0]), Buffer.from(text, 'utf8')]),
  );
}

export function readPng(bytes: Buffer, where = 'png'): ContainerInfo {
  const chunks = parsePngChunks(bytes, where);
  const ihdr = (chunks[0] as PngChunk).data;
  const sites: LabelSite[] = [];
  const problems: string[] = [];
  for (const chunk of chunks) {
    if (chunk.type !== 'tEXt' && chunk.type !== 'zTXt' && chunk.type !== 'iTXt') continue;
    if (!crcOk(bytes, chunk)) problems.push(`${chunk.type} chunk at byte ${chunk.start} has a bad CRC`);
    const text = decodeText(chunk);
    if (!text) continue;
    if (text.keyword === XMP_KEYWORD) {
      for (const json of findAigcInXmp(text.text))
        sites.push({ location: `png:${chunk.type}:XMP TC260:AIGC`, json });
    } else if (text.keyword === 'AIGC') {
      sites.push({ location: `png:${chunk.type}:AIGC`, json: text.text });
    }
  }
  return {
    format: 'png',
    width: ihdr.readUInt32BE(0),
    height: ihdr.readUInt32BE(4),
    sites,
    problems,
    ranges: () => pngRanges(bytes, chunks),
    digest: () => digestOf(pngRanges(bytes, chunks)),
  };
}

/** The byte ranges the content digest covers: the signature and runs of non-metadata chunks. */
function pngRanges(bytes: Buffer, chunks: readonly PngChunk[]): Buffer[] {
  const ranges: Buffer[] = [bytes.subarray(0, 8)];
  let runStart = -1;
  let runEnd = -1;
  for (const chunk of chunks) {
    if (METADATA_CHUNKS.has(chunk.type)) continue;
    if (chunk.start === runEnd) runEnd = chunk.end;
    else {
      if (runStart >= 0) ranges.push(bytes.subarray(runStart, runEnd));
      runStart = chunk.start;
      runEnd = chunk.end;
    }
  }
  if (runStart >= 0) ranges.push(bytes.subarray(runStart, runEnd));
  return ranges;
}

/**
 * Writes `json` as the file's one label: into the label site already there (XMP property or
 * `AIGC` text chunk), else into the existing XMP packet, else a new XMP `iTXt` after `IHDR`.
 * Refuses a file with more than one label site.
 */
export function writePngLabel(bytes: Buffer, json: string, where = 'png'): Buffer {
  const chunks = parsePngChunks(bytes, where);
  let target: { chunk: PngChunk; replacement: Buffer } | undefined;
  let sites = 0;
  for (const chunk of chunks) {
    if (chunk.type !== 'tEXt' && chunk.type !== 'zTXt' && chunk.type !== 'iTXt') continue;
    const text = decodeText(chunk);
    if (!text) continue;
    if (text.keyword === XMP_KEYWORD) {
      const n = findAigcInXmp(text.text).length;
      sites += n;
      if (n > 0 || target === undefined)
        target = { chunk, replacement: iTXt(XMP_KEYWORD, upsertAigc(text.text, json)) };
    } else if (text.keyword === 'AIGC') {
      sites += 1;
      target = {
        chunk,
        replacement:
          // tEXt is Latin-1: anything beyond it goes into an iTXt (UTF-8) in the same place.
          chunk.type === 'iTXt' || !/^[\x20-\xff]*$/.test(json)
            ? iTXt('AIGC', json)
            : makeChunk('tEXt', Buffer.from(`AIGC\0${json}`, 'latin1')),
      };
    }
  }
  if (sites > 1) throw new HeguiError('input_invalid', `the file already has ${sites} AIGC labels`, where);
  if (target) {
    return Buffer.concat([
      bytes.subarray(0, target.chunk.start),
      target.replacement,
      bytes.subarray(target.chunk.end),
    ]);
  }
  const ihdrEnd = (chunks[0] as PngChunk).end;
  return Buffer.concat([
    bytes.subarray(0, ihdrEnd),
    iTXt(XMP_KEYWORD, newXmpPacket(json)),
    bytes.subarray(ihdrEnd),
  ]);
}

/** Chunks carried from the input when a re-encoded image replaces it (descriptive metadata only). */
const CARRIED_CHUNKS: ReadonlySet<string> = new Set(['tEXt', 'zTXt', 'iTXt', 'eXIf', 'pHYs', 'tIME']);

/**
 * `to` (a re-encode of `from` with the same pixel layout) with `from`'s descriptive metadata
 * chunks in place of its own, inserted after `IHDR`.
 */
export function carryPngMetadata(from: Buffer, to: Buffer): Buffer {
  const carried = parsePngChunks(from).filter((c) => CARRIED_CHUNKS.has(c.type));
  const target = parsePngChunks(to);
  const parts: Buffer[] = [to.subarray(0, 8)];
  for (const chunk of target) {
    if (CARRIED_CHUNKS.has(chunk.type)) continue;
    parts.push(to.subarray(chunk.start, chunk.end));
    if (chunk.type === 'IHDR') for (const c of carried) parts.push(from.subarray(c.start, c.end));
  }
  return Buffer.concat(parts);
}
