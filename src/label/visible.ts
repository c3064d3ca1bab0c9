/**
 * The visible (explicit) image label of GB 45438 §5.2: a text stamp with an AI element and a
 * generation element on an edge or corner, text height ≥ 5 % of the image's shorter side.
 *
 * The stamp is an SVG drawn from glyph outlines embedded in `glyphs.ts` (Noto Sans CJK SC Bold,
 * SIL OFL 1.1), so it renders the same on a machine without any CJK font and needs no font
 * lookup. White text with a dark outline on a semi-opaque dark plate stays legible on light and
 * dark images. sharp (librsvg) rasterises it and composites it in the same pipeline that decodes
 * and re-encodes the image.
 */
import sharp, { type Sharp } from 'sharp';
import { HeguiError } from '../engine/errors.js';
import type { ImageFormat } from './container-types.js';
import { GLYPHS, type Glyph } from './glyphs.js';
import type { VisibleRecord } from './integrity.js';
import { carryJpegMetadata } from './jpeg.js';
import { carryPngMetadata } from './png.js';

export type StampPosition = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left' | 'bottom' | 'top';

export interface VisibleLabelOptions {
  /** Default `AI生成`; must contain "AI"/"人工智能" and "生成"/"合成". */
  text?: string;
  position?: StampPosition;
  /** Target text height as a fraction of the shorter side; default 0.06, never below 0.05. */
  textHeightRatio?: number;
  /** Opacity of the dark plate behind the text (0–1), default 0.6. */
  plateOpacity?: number;
}

/** GB 45438 minimum: text height ≥ 5 % of the shorter side. */
export const MIN_TEXT_HEIGHT_RATIO = 0.05;
export const DEFAULT_STAMP_TEXT = 'AI生成';

export function minTextHeight(width: number, height: number): number {
  return Math.ceil(MIN_TEXT_HEIGHT_RATIO * Math.min(width, height));
}

/** Whether a text label has both elements GB 45438 asks for. */
export function hasLabelElements(text: string): boolean {
  return /AI|人工智能/i.test(text) && /生成|合成/.test(text);
}

export interface Stamp {
  readonly svg: Buffer;
  readonly record: VisibleRecord;
}

function glyphsOf(text: string): Glyph[] {
  const missing: string[] = [];
  const glyphs = [...text].map((ch) => {
    const g = GLYPHS[ch];
    if (!g) missing.push(ch);
    return g as Glyph;
  });
  if (missing.length > 0) {
    throw new HeguiError(
      'config_invalid',
      `the visible label font has no glyph for ${[...new Set(missing)].map((c) => JSON.stringify(c)).join(', ')} (see assets/fonts/extract-glyphs.py)`,
      'visible.text',
    );
  }
  return glyphs;
}

/** Lays out the stamp for an image of the given size: the SVG and where it goes. */
export function buildStamp(width: number, height: number, options: VisibleLabelOptions = {}): Stamp {
  const text = options.text ?? DEFAULT_STAMP_TEXT;
  if (!hasLabelElements(text)) {
    throw new HeguiError(
      'config_invalid',
      `visible label ${JSON.stringify(text)} needs an AI element ("AI" or "人工智能") and a generation element ("生成" or "合成")`,
      'visible.text',
    );
  }
  const ratio = options.textHeightRatio ?? 0.06;
  if (!(ratio >= MIN_TEXT_HEIGHT_RATIO && ratio <= 0.5)) {
    throw new HeguiError(
      'config_invalid',
      `textHeightRatio must be between 0.05 and 0.5, got ${ratio}`,
      'visible',
    );
  }
  const glyphs = glyphsOf(text);
  let yMin = Infinity;
  let yMax = -Infinity;
  let advance = 0;
  for (const g of glyphs) {
    if (g.b) {
      yMin = Math.min(yMin, g.b[1] ?? 0);
      yMax = Math.max(yMax, g.b[3] ?? 0);
    }
    advance += g.a;
  }
  const shorter = Math.min(width, height);
  // Two pixels above the minimum so anti-aliased edges never bring the measured ink below it.
  const textPx = Math.max(Math.ceil(ratio * shorter), minTextHeight(width, height) + 2);
  const scale = textPx / (yMax - yMin);
  const padX = Math.round(textPx * 0.4);
  const padY = Math.round(textPx * 0.3);
  const stampW = Math.ceil(advance * scale) + 2 * padX;
  const stampH = textPx + 2 * padY;
  const margin = Math.round(shorter * 0.02);
  if (stampW + 2 * margin > width || stampH + 2 * margin > height) {
    throw new HeguiError(
      'input_invalid',
      `a ${width}×${height} image is too small for the label ${JSON.stringify(text)} at ${textPx} px text height`,
    );
  }
  const position = options.position ?? 'bottom-right';
  const x = position.endsWith('left')
    ? margin
    : position.endsWith('right')
      ? width - margin - stampW
      : Math.round((width - stampW) / 2);
  const y = position.startsWith('top') ? margin : height - margin - stampH;
  const plate = options.plateOpacity ?? 0.6;
  const stroke = (0.06 * (yMax - yMin)).toFixed(1);
  let pen = 0;
  const paths: string[] = [];
  for (const g of glyphs) {
    if (g.d) paths.push(`<path transform="translate(${pen} 0)" d="${g.d}"/>`);
    pen += g.a;
  }
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${stampW}" height="${stampH}" viewBox="0 0 ${stampW} ${stampH}">` +
    `<rect width="${stampW}" height="${stampH}" rx="${Math.round(stampH * 0.18)}" fill="#000" fill-opacity="${plate}"/>` +
    `<g transform="translate(${padX} ${padY + yMax * scale}) scale(${scale} ${-scale})" fill="#fff" stroke="#000" ` +
    `stroke-width="${stroke}" stroke-linejoin="round" paint-order="stroke">${paths.join('')}</g></svg>`;
  return {
    svg: Buffer.from(svg),
    record: { x, y, width: stampW, height: stampH, textHeight: textPx },
  };
}

export interface StampedImage {
  readonly bytes: Buffer;
  readonly format: ImageFormat;
  readonly record: VisibleRecord;
}

export interface EncodeOptions {
  /** JPEG quality (default 90). */
  quality?: number;
}

/**
 * Draws the stamp and re-encodes once in the same format.
 *
 * Fast path (8-bit sRGB or grey, no ICC profile, no EXIF rotation — what image models return):
 * decode to raw pixels while librsvg renders the stamp, blend the stamp into its small rectangle
 * in JS, encode, and carry the input's metadata (EXIF, XMP, text chunks, resolution) over at
 * chunk/segment level. This avoids libvips compositing the whole frame. Otherwise (and for WebP)
 * sharp applies the EXIF orientation and composites with the metadata kept (ICC profile included).
 */
export async function stampImage(
  bytes: Uint8Array,
  format: ImageFormat,
  options: VisibleLabelOptions & EncodeOptions = {},
): Promise<StampedImage> {
  const meta = await sharp(bytes, { failOn: 'error' }).metadata();
  const quality = options.quality ?? 90;
  const encode = (image: Sharp) =>
    format === 'png'
      ? image.png().toBuffer()
      : format === 'jpeg'
        ? image.jpeg({ quality }).toBuffer()
        : image.webp({ quality }).toBuffer();
  const fast =
    format !== 'webp' &&
    (meta.orientation ?? 1) === 1 &&
    meta.icc === undefined &&
    meta.depth === 'uchar' &&
    (meta.space === 'srgb' || meta.space === 'b-w');
  if (!fast) {
    const swap = (meta.orientation ?? 1) >= 5;
    const stamp = buildStamp(
      (swap ? meta.height : meta.width) ?? 0,
      (swap ? meta.width : meta.height) ?? 0,
      options,
    );
    const out = await encode(
      sharp(bytes, { failOn: 'error' })
        .autoOrient()
        .composite([{ input: stamp.svg, left: stamp.record.x, top: stamp.record.y }])
        .keepMetadata(),
    );
    return { bytes: out, format, record: stamp.record };
  }
  const stamp = buildStamp(meta.width ?? 0, meta.height ?? 0, options);
  const [base, overlay] = await Promise.all([
    sharp(bytes, { failOn: 'error' }).raw().toBuffer({ resolveWithObject: true }),
    renderStamp(stamp.svg),
  ]);
  blend(base.data, base.info, overlay.data, overlay.info, stamp.record.x, stamp.record.y);
  const { width, height, channels } = base.info;
  const encoded = await encode(sharp(base.data, { raw: { width, height, channels } }));
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = format === 'png' ? carryPngMetadata(input, encoded) : carryJpegMetadata(input, encoded);
  return { bytes: out, format, record: stamp.record };
}

interface RawImage {
  readonly data: Buffer;
  readonly info: RawInfo;
}

/** Rendered stamps by SVG source: a service labels many images of the same few sizes. */
const rendered = new Map<string, Promise<RawImage>>();
const RENDER_CACHE_SIZE = 32;

function renderStamp(svg: Buffer): Promise<RawImage> {
  const key = svg.toString('latin1');
  let hit = rendered.get(key);
  if (!hit) {
    hit = sharp(svg).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    hit.catch(() => rendered.delete(key));
    if (rendered.size >= RENDER_CACHE_SIZE) rendered.delete(rendered.keys().next().value as string);
    rendered.set(key, hit);
  }
  return hit;
}

interface RawInfo {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

/** Source-over blend of straight-alpha RGBA `top` into `base` (1–4 channels) at (left, top). */
function blend(base: Buffer, info: RawInfo, over: Buffer, overInfo: RawInfo, x0: number, y0: number): void {
  const bc = info.channels;
  const colour = bc === 1 || bc === 2 ? 1 : 3;
  const hasAlpha = bc === 2 || bc === 4;
  for (let y = 0; y < overInfo.height; y++) {
    const row = ((y0 + y) * info.width + x0) * bc;
    for (let x = 0; x < overInfo.width; x++) {
      const o = (y * overInfo.width + x) * 4;
      const a = (over[o + 3] ?? 0) / 255;
      if (a === 0) continue;
      const b = row + x * bc;
      for (let c = 0; c < colour; c++) {
        base[b + c] = Math.round((over[o + c] ?? 0) * a + (base[b + c] ?? 0) * (1 - a));
      }
      if (hasAlpha) base[b + colour] = Math.round(255 * a + (base[b + colour] ?? 0) * (1 - a));
    }
  }
}

export interface StampMeasurement {
  /** Height in pixels of the bright text pixels inside the box (0 when none). */
  readonly textHeight: number;
  /** Share of dark (plate) pixels in the bands above and below the text, where only plate can be. */
  readonly plateShare: number;
}

/**
 * Measures hegui's stamp inside a recorded box: the bounding box of bright (text) pixels, and how
 * dark the plate bands above and below the text are. The verifier uses both to confirm the stamp
 * is really in the pixels (a busy image region has bright pixels but no uniform dark bands).
 */
export async function measureStamp(bytes: Uint8Array, box: VisibleRecord): Promise<StampMeasurement> {
  const { data, info } = await sharp(bytes)
    .autoOrient()
    .extract({ left: box.x, top: box.y, width: box.width, height: box.height })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const channels = info.channels;
  const at = (row: number, col: number) => data[(row * info.width + col) * channels] ?? 0;
  // Skip the plate's rounded corners, where the image itself shows through.
  const inset = Math.min(Math.ceil(info.height * 0.2), Math.floor(info.width / 2));
  const pad = Math.floor((box.height - box.textHeight) / 2);
  let top = -1;
  let bottom = -1;
  let dark = 0;
  let band = 0;
  for (let row = 0; row < info.height; row++) {
    const inBand = (row >= 1 && row <= pad - 2) || (row >= info.height - pad + 1 && row < info.height - 1);
    let bright = false;
    for (let col = inset; col < info.width - inset; col++) {
      const v = at(row, col);
      if (v >= 200) bright = true;
      if (inBand) {
        band++;
        if (v <= 120) dark++;
      }
    }
    if (bright) {
      if (top < 0) top = row;
      bottom = row;
    }
  }
  return { textHeight: top < 0 ? 0 : bottom - top + 1, plateShare: band === 0 ? 0 : dark / band };
}
