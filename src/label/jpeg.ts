/**
 * JPEG at segment level: read the label sites, compute the content digest, write the label
 * without re-encoding. Segments before the first SOS are parsed (`FF xx` + big-endian length);
 * everything from SOS on (entropy-coded data, further scans, EOI) is kept as one opaque tail.
 *
 * Label site: the `AIGC` property in the XMP packet of an APP1 segment with the identifier
 * `http://ns.adobe.com/xap/1.0/\0` (one site per property found; several XMP segments count
 * separately). EXIF `UserComment` is not read.
 *
 * Content digest: SHA-256 over SOI, every segment before SOS except APP1 (EXIF, XMP), APP13
 * (IPTC) and COM, and the tail from SOS to the end of the file.
 */
import { HeguiError } from '../engine/errors.js';
import { digestOf, type ContainerInfo, type LabelSite } from './container-types.js';
import { findAigcInXmp, newXmpPacket, upsertAigc } from './xmp.js';

const XMP_ID = Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1');
const EXCLUDED_FROM_DIGEST: ReadonlySet<number> = new Set([0xe1, 0xed, 0xfe]);
const MAX_SEGMENT_DATA = 0xffff - 2;

export interface JpegSegment {
  readonly marker: number;
  /** Offset of the `FF` of the marker. */
  readonly start: number;
  readonly end: number;
  readonly data: Buffer;
}

export interface ParsedJpeg {
  readonly segments: readonly JpegSegment[];
  /** Offset of the SOS marker (start of the opaque tail). */
  readonly tail: number;
}

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

export function parseJpeg(bytes: Buffer, where = 'jpeg'): ParsedJpeg {
  if (!isJpeg(bytes)) throw new HeguiError('input_invalid', 'not a JPEG file', where);
  const segments: JpegSegment[] = [];
  let pos = 2;
  for (;;) {
    if (pos + 4 > bytes.length)
      throw new HeguiError('input_invalid', 'JPEG ends before its image data', where);
    if (bytes[pos] !== 0xff)
      throw new HeguiError('input_invalid', `expected a JPEG marker at byte ${pos}`, where);
    let markerPos = pos;
    while (bytes[markerPos + 1] === 0xff) markerPos++; // fill bytes
    const marker = bytes[markerPos + 1] ?? 0;
    if (marker === 0xda) return { segments, tail: markerPos };
    if (marker === 0xd9)
      throw new HeguiError('input_invalid', 'JPEG has no image data (EOI before SOS)', where);
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      pos = markerPos + 2;
      continue;
    }
    const length = bytes.readUInt16BE(markerPos + 2);
    const end = markerPos + 2 + length;
    if (length < 2 || end > bytes.length) {
      throw new HeguiError(
        'input_invalid',
        `JPEG segment at byte ${markerPos} runs past the end of the file`,
        where,
      );
    }
    segments.push({ marker, start: pos, end, data: bytes.subarray(markerPos + 4, end) });
    pos = end;
  }
}

function isXmpSegment(segment: JpegSegment): boolean {
  return (
    segment.marker === 0xe1 &&
    segment.data.length >= XMP_ID.length &&
    segment.data.subarray(0, XMP_ID.length).equals(XMP_ID)
  );
}

function xmpText(segment: JpegSegment): string {
  return segment.data.toString('utf8', XMP_ID.length);
}

function frameSize(segments: readonly JpegSegment[]): { width: number; height: number } {
  for (const s of segments) {
    const m = s.marker;
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc && s.data.length >= 5) {
      return { height: s.data.readUInt16BE(1), width: s.data.readUInt16BE(3) };
    }
  }
  return { width: 0, height: 0 };
}

export function readJpeg(bytes: Buffer, where = 'jpeg'): ContainerInfo {
  const parsed = parseJpeg(bytes, where);
  const sites: LabelSite[] = [];
  for (const segment of parsed.segments) {
    if (!isXmpSegment(segment)) continue;
    for (const json of findAigcInXmp(xmpText(segment)))
      sites.push({ location: 'jpeg:APP1:XMP TC260:AIGC', json });
  }
  const size = frameSize(parsed.segments);
  const problems = size.width === 0 ? ['no frame header (SOF) before the image data'] : [];
  return {
    format: 'jpeg',
    ...size,
    sites,
    problems,
    ranges: () => jpegRanges(bytes, parsed),
    digest: () => digestOf(jpegRanges(bytes, parsed)),
  };
}

/** The byte ranges the content digest covers. */
function jpegRanges(bytes: Buffer, parsed: ParsedJpeg): Buffer[] {
  const ranges = [bytes.subarray(0, 2)];
  for (const s of parsed.segments) {
    if (!EXCLUDED_FROM_DIGEST.has(s.marker)) ranges.push(bytes.subarray(s.start, s.end));
  }
  ranges.push(bytes.subarray(parsed.tail));
  return ranges;
}

function app1Xmp(packet: string, where: string): Buffer {
  const data = Buffer.concat([XMP_ID, Buffer.from(packet, 'utf8')]);
  if (data.length > MAX_SEGMENT_DATA) {
    throw new HeguiError('input_invalid', 'the XMP packet would exceed one JPEG segment (64 KiB)', where);
  }
  const head = Buffer.from([0xff, 0xe1, 0, 0]);
  head.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([head, data]);
}

/**
 * Writes `json` as the file's one label into the XMP segment (the one holding a label, else the
 * first XMP segment, else a new APP1 after the leading APP0/APP1 segments). Refuses a file with
 * more than one label site.
 */
export function writeJpegLabel(bytes: Buffer, json: string, where = 'jpeg'): Buffer {
  const parsed = parseJpeg(bytes, where);
  const xmp = parsed.segments.filter(isXmpSegment);
  const counts = xmp.map((s) => findAigcInXmp(xmpText(s)).length);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total > 1) throw new HeguiError('input_invalid', `the file already has ${total} AIGC labels`, where);
  const target = xmp[counts.findIndex((n) => n > 0)] ?? xmp[0];
  if (target) {
    const segment = app1Xmp(upsertAigc(xmpText(target), json), where);
    return Buffer.concat([bytes.subarray(0, target.start), segment, bytes.subarray(target.end)]);
  }
  const before = parsed.segments.find((s) => s.marker !== 0xe0 && s.marker !== 0xe1);
  const at = before?.start ?? parsed.tail;
  return Buffer.concat([bytes.subarray(0, at), app1Xmp(newXmpPacket(json), where), bytes.subarray(at)]);
}

/** APP1 (EXIF, XMP), APP13 (IPTC) and COM: descriptive metadata, carried over a re-encode. */
const CARRIED_MARKERS: ReadonlySet<number> = new Set([0xe1, 0xed, 0xfe]);

/**
 * `to` (a re-encode of `from`) with `from`'s EXIF, XMP, IPTC and comment segments in place of
 * its own, inserted after its leading APP0 (JFIF) segment.
 */
export function carryJpegMetadata(from: Buffer, to: Buffer): Buffer {
  const carried = parseJpeg(from).segments.filter((s) => CARRIED_MARKERS.has(s.marker));
  const target = parseJpeg(to);
  const parts: Buffer[] = [to.subarray(0, 2)];
  let inserted = false;
  for (const segment of target.segments) {
    if (!inserted && segment.marker !== 0xe0) {
      for (const c of carried) parts.push(from.subarray(c.start, c.end));
      inserted = true;
    }
    if (!CARRIED_MARKERS.has(segment.marker)) parts.push(to.subarray(segment.start, segment.end));
  }
  if (!inserted) for (const c of carried) parts.push(from.subarray(c.start, c.end));
  parts.push(to.subarray(target.tail));
  return Buffer.concat(parts);
}
