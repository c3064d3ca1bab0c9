/** Format detection and dispatch to the chunk/segment-level readers and writers. */
import { HeguiError } from '../engine/errors.js';
import type { ContainerInfo, ImageFormat } from './container-types.js';
import { isJpeg, readJpeg, writeJpegLabel } from './jpeg.js';
import { isPng, readPng, writePngLabel } from './png.js';
import { isWebp, readWebp, writeWebpLabel } from './webp.js';

export function detectImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (isPng(bytes)) return 'png';
  if (isJpeg(bytes)) return 'jpeg';
  if (isWebp(bytes)) return 'webp';
  return undefined;
}

function requireFormat(bytes: Uint8Array, where: string): ImageFormat {
  const format = detectImageFormat(bytes);
  if (!format) {
    throw new HeguiError(
      'input_invalid',
      'unsupported image format (PNG, JPEG and WebP are supported)',
      where,
    );
  }
  return format;
}

/** Reads the label sites, size and content digest of a PNG, JPEG or WebP. */
export function readImage(bytes: Uint8Array, where = 'image'): ContainerInfo {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = requireFormat(buf, where);
  return format === 'png'
    ? readPng(buf, where)
    : format === 'jpeg'
      ? readJpeg(buf, where)
      : readWebp(buf, where);
}

/** Writes the label JSON as the image's one metadata label, without re-encoding. */
export function writeImageLabel(bytes: Uint8Array, json: string, where = 'image'): Buffer {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = requireFormat(buf, where);
  return format === 'png'
    ? writePngLabel(buf, json, where)
    : format === 'jpeg'
      ? writeJpegLabel(buf, json, where)
      : writeWebpLabel(buf, json, where);
}
