/**
 * Producer side: label generated content. Every write is read back and verified before it is
 * returned; a label that does not read back is an error, never a silent success.
 */
import type { KeyObject } from 'node:crypto';
import { HeguiError } from '../engine/errors.js';
import { sameBytes, type ImageFormat } from './container-types.js';
import { detectImageFormat, readImage, writeImageLabel } from './container.js';
import { loadSigningKey, sealProducer, type SigningKey, type VisibleRecord } from './integrity.js';
import { emptyLabel, labelToJson, newContentId, type AigcLabel } from './model.js';
import { requireProviderCode } from './provider-code.js';
import {
  addTextLabel,
  implicitLabelHeader,
  readMarkdownLabel,
  splitMarkdown,
  textDigest,
  writeMarkdownLabel,
  type TextLabelOptions,
} from './text.js';
import { verifyContainer, verifyMarkdown, type VerifyReport } from './verify.js';
import { stampImage, type VisibleLabelOptions } from './visible.js';

export type KeyInput = string | Buffer | KeyObject | SigningKey;

export interface ProducerOptions {
  /** The producer's 27-character provider code (extension `1xxxx` or `00000`). */
  producer: string;
  /** Content ID; a new unique one by default. */
  produceId?: string;
  /** Ed25519 or ECDSA P-256 private key (PEM, DER PKCS#8, KeyObject or a loaded `SigningKey`). */
  signKey?: KeyInput;
}

export interface ImageLabelOptions extends ProducerOptions {
  /** Draw the visible label too (`true` for the defaults). */
  visible?: boolean | VisibleLabelOptions;
  /** JPEG quality when the visible label makes a re-encode necessary (default 90). */
  quality?: number;
}

export interface LabelledImage {
  readonly bytes: Buffer;
  readonly format: ImageFormat;
  readonly label: AigcLabel;
  /** The label JSON as written (also what goes into a response header). */
  readonly json: string;
  readonly visible?: VisibleRecord;
  /** The read-back verification of the written file. */
  readonly report: VerifyReport;
}

export function toSigningKey(key: KeyInput | undefined): SigningKey | undefined {
  if (key === undefined) return undefined;
  if (typeof key === 'object' && 'algorithm' in key && 'privateKey' in key) return key;
  return loadSigningKey(key as string | Buffer | KeyObject);
}

const PRODUCE_ID = /^[\x21-\x7e]{1,128}$/;

function producerLabel(
  options: ProducerOptions,
  digest: Uint8Array,
  visible: VisibleRecord | undefined,
  key: SigningKey | undefined,
): AigcLabel {
  requireProviderCode(options.producer, 'generation', 'producer');
  const produceId = options.produceId ?? newContentId();
  if (!PRODUCE_ID.test(produceId)) {
    throw new HeguiError(
      'input_invalid',
      'ProduceID must be 1–128 printable ASCII characters without spaces',
      'produceId',
    );
  }
  const label = { ...emptyLabel('1'), ContentProducer: options.producer, ProduceID: produceId };
  label.ReservedCode1 = sealProducer(label, digest, {
    ...(visible ? { visible } : {}),
    ...(key ? { key } : {}),
  });
  return label;
}

/** Throws unless the written file reads back with exactly the intended label, verified. */
export function requireReadBack(report: VerifyReport, json: string, where: string): void {
  const problems = report.failures.map((f) => `${f.code}: ${f.message}`);
  if (report.sites.length !== 1 || report.sites[0]?.json !== json) {
    problems.unshift('the written label does not read back as written');
  }
  if (problems.length > 0) {
    throw new HeguiError('internal', `read-back verification failed: ${problems.join('; ')}`, where);
  }
}

function refuseLabelled(count: number, where: string): void {
  if (count > 0) {
    throw new HeguiError(
      'input_invalid',
      `already carries ${count === 1 ? 'an AIGC label' : `${count} AIGC labels`}; a distributing platform uses propagate`,
      where,
    );
  }
}

function finishImage(
  bytes: Buffer,
  format: ImageFormat,
  options: ProducerOptions,
  visible: VisibleRecord | undefined,
  where: string,
): LabelledImage {
  const key = toSigningKey(options.signKey);
  const info = readImage(bytes, where);
  refuseLabelled(info.sites.length, where);
  const digest = info.digest();
  const label = producerLabel(options, digest, visible, key);
  const json = labelToJson(label);
  const out = writeImageLabel(bytes, json, where);
  // Read back: parse the written file, find exactly this label, verify it. The digest is reused
  // only after a byte comparison shows the covered content is unchanged (cheaper than re-hashing).
  const back = readImage(out, where);
  const backDigest = sameBytes(back.ranges(), info.ranges()) ? digest : back.digest();
  const report = verifyContainer(back, { ...(key ? { trustedKeys: [key.keyId] } : {}) }, backDigest);
  requireReadBack(report, json, where);
  return { bytes: out, format, label, json, ...(visible ? { visible } : {}), report };
}

/**
 * Metadata-only labeling of a PNG, JPEG or WebP: the label is written at chunk/segment level, the image
 * data is not touched (no re-encode). Synchronous.
 */
export function labelImageMetadata(
  bytes: Uint8Array,
  options: ProducerOptions,
  where = 'image',
): LabelledImage {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = detectImageFormat(buf);
  if (!format)
    throw new HeguiError(
      'input_invalid',
      'unsupported image format (PNG, JPEG and WebP are supported)',
      where,
    );
  return finishImage(buf, format, options, undefined, where);
}

/**
 * Labels a generated image: visible stamp (optional, re-encodes once in the same format) and the
 * implicit XMP label, read back and verified. This is what the gateway's image routes call.
 */
export async function labelImageBuffer(
  bytes: Uint8Array,
  options: ImageLabelOptions,
  where = 'image',
): Promise<LabelledImage> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = detectImageFormat(buf);
  if (!format)
    throw new HeguiError(
      'input_invalid',
      'unsupported image format (PNG, JPEG and WebP are supported)',
      where,
    );
  if (!options.visible) return finishImage(buf, format, options, undefined, where);
  refuseLabelled(readImage(buf, where).sites.length, where);
  const visibleOptions = options.visible === true ? {} : options.visible;
  const stamped = await stampImage(buf, format, {
    ...visibleOptions,
    ...(options.quality !== undefined ? { quality: options.quality } : {}),
  });
  return finishImage(stamped.bytes, format, options, stamped.record, where);
}

export interface LabelledText {
  /** The text with its explicit label (unchanged when `explicit` is false). */
  readonly text: string;
  readonly label: AigcLabel;
  /** The implicit label as JSON, for the response header / `hegui` field. */
  readonly header: string;
}

/**
 * Labels a text answer: the explicit label per `explicit` (default prefix) and the implicit label
 * bound to the final text.
 */
export function labelText(
  text: string,
  options: ProducerOptions & { explicit?: TextLabelOptions | false },
): LabelledText {
  const out = options.explicit === false ? text : addTextLabel(text, options.explicit ?? {});
  const label = producerLabel(options, textDigest(out), undefined, toSigningKey(options.signKey));
  return { text: out, label, header: implicitLabelHeader(label) };
}

/**
 * Markdown export: explicit label in the body (default prefix; `explicit: false` to leave the body
 * alone) and the implicit label in the YAML front matter, read back and verified.
 */
export function labelMarkdown(
  markdown: string,
  options: ProducerOptions & { explicit?: TextLabelOptions | false },
  where = 'markdown',
): { markdown: string; label: AigcLabel; report: VerifyReport } {
  const existing = readMarkdownLabel(markdown);
  refuseLabelled(existing.sites.length, where);
  const { frontMatter, body } = splitMarkdown(markdown);
  const labelledBody = options.explicit === false ? body : addTextLabel(body, options.explicit ?? {});
  const key = toSigningKey(options.signKey);
  const label = producerLabel(options, textDigest(labelledBody), undefined, key);
  const source = frontMatter === undefined ? labelledBody : `---\n${frontMatter}\n---\n${labelledBody}`;
  const out = writeMarkdownLabel(source, label);
  const report = verifyMarkdown(out, { ...(key ? { trustedKeys: [key.keyId] } : {}) });
  requireReadBack(report, labelToJson(label), where);
  return { markdown: out, label, report };
}
