/**
 * File-level API, mirroring `hegui label apply|verify|inspect|propagate`: detects the kind of file
 * (PNG/JPEG/WebP by their magic bytes, Markdown by extension, anything else valid UTF-8 as plain text).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { HeguiError } from '../engine/errors.js';
import { labelImageBuffer, labelMarkdown, type ImageLabelOptions } from './apply.js';
import { detectImageFormat } from './container.js';
import type { AigcLabel } from './model.js';
import {
  inspectImage,
  inspectMarkdown,
  NOTICES,
  propagateImage,
  propagateMarkdown,
  type InspectOptions,
  type InspectReport,
  type PropagateOptions,
  type PropagateResult,
} from './propagate.js';
import { addTextLabel, hasExplicitTextLabel, type TextLabelOptions } from './text.js';
import {
  verifyImage,
  verifyMarkdown,
  verifyPlainText,
  type VerifyOptions,
  type VerifyReport,
} from './verify.js';

export type FileKind = 'png' | 'jpeg' | 'webp' | 'markdown' | 'text';

async function load(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new HeguiError('input_invalid', code === 'ENOENT' ? 'no such file' : (err as Error).message, path, {
      cause: err,
    });
  }
}

async function save(path: string, data: Uint8Array | string): Promise<void> {
  try {
    await writeFile(path, data);
  } catch (err) {
    throw new HeguiError('input_invalid', (err as Error).message, path, { cause: err });
  }
}

function kindOf(path: string, bytes: Buffer): FileKind {
  const image = detectImageFormat(bytes);
  if (image) return image;
  const ext = extname(path).toLowerCase();
  if (['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.heic', '.avif'].includes(ext)) {
    throw new HeguiError(
      'input_invalid',
      'not a PNG, JPEG or WebP file (other image formats are not supported yet)',
      path,
    );
  }
  return ext === '.md' || ext === '.markdown' ? 'markdown' : 'text';
}

function utf8(bytes: Buffer, path: string): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw new HeguiError('input_invalid', 'neither a PNG/JPEG/WebP image nor UTF-8 text', path);
  }
}

export interface ApplyFileOptions extends ImageLabelOptions {
  /** Explicit text label for text and Markdown (default prefix; false for none). */
  explicit?: TextLabelOptions | false;
}

export interface ApplyFileResult {
  readonly kind: FileKind;
  /** Absent for plain text, which has no metadata container (explicit label only). */
  readonly label?: AigcLabel;
  readonly report: VerifyReport;
}

/** `hegui label apply`: labels an image, a Markdown document or a plain text file. */
export async function applyFile(
  input: string,
  output: string,
  options: ApplyFileOptions,
): Promise<ApplyFileResult> {
  const bytes = await load(input);
  const kind = kindOf(input, bytes);
  if (kind === 'png' || kind === 'jpeg' || kind === 'webp') {
    const result = await labelImageBuffer(bytes, options, input);
    await save(output, result.bytes);
    return { kind, label: result.label, report: result.report };
  }
  const text = utf8(bytes, input);
  if (kind === 'markdown') {
    const result = labelMarkdown(text, options, input);
    await save(output, result.markdown);
    return { kind, label: result.label, report: result.report };
  }
  const labelled = options.explicit === false ? text : addTextLabel(text, options.explicit ?? {});
  const report = verifyPlainText(labelled);
  if (!report.compliant)
    throw new HeguiError('internal', 'read-back verification failed: no explicit label', output);
  await save(output, labelled);
  return { kind, report };
}

/** `hegui label verify`: one file's compliance report. */
export async function verifyFile(path: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const bytes = await load(path);
  const kind = kindOf(path, bytes);
  if (kind === 'png' || kind === 'jpeg' || kind === 'webp') return verifyImage(bytes, options, path);
  const text = utf8(bytes, path);
  return kind === 'markdown' ? verifyMarkdown(text, options) : verifyPlainText(text, options);
}

/** `hegui label inspect`: the propagator's view of one file (status and the notice to show). */
export async function inspectFile(
  path: string,
  options: InspectOptions = {},
): Promise<InspectReport & { kind: FileKind }> {
  const bytes = await load(path);
  const kind = kindOf(path, bytes);
  if (kind === 'png' || kind === 'jpeg' || kind === 'webp')
    return { kind, ...inspectImage(bytes, options, path) };
  const text = utf8(bytes, path);
  if (kind === 'markdown') return { kind, ...inspectMarkdown(text, options) };
  const verify = verifyPlainText(text, options);
  const status = options.declared
    ? 'declared'
    : options.detected || hasExplicitTextLabel(text)
      ? 'suspected'
      : 'unlabelled';
  return {
    kind,
    status,
    notice: NOTICES[status],
    basis: options.declared
      ? 'declaration'
      : options.detected
        ? 'detection'
        : status === 'suspected'
          ? 'explicit_text_label'
          : 'none',
    sites: [],
    verify,
  };
}

/** `hegui label propagate`: writes the propagation fields (nothing is written when there is nothing to mark). */
export async function propagateFile(
  input: string,
  output: string,
  options: PropagateOptions,
): Promise<PropagateResult & { kind: FileKind; written: boolean }> {
  const bytes = await load(input);
  const kind = kindOf(input, bytes);
  if (kind === 'png' || kind === 'jpeg' || kind === 'webp') {
    const result = propagateImage(bytes, options, input);
    if (result.bytes) await save(output, result.bytes);
    return { kind, ...result, written: result.bytes !== undefined };
  }
  if (kind === 'text') {
    throw new HeguiError(
      'input_invalid',
      'plain text has no metadata container; export it as Markdown to carry a label',
      input,
    );
  }
  const result = propagateMarkdown(utf8(bytes, input), options, input);
  if (result.markdown !== undefined) await save(output, result.markdown);
  return { kind, ...result, written: result.markdown !== undefined };
}
