/**
 * Text labels: explicit labels (GB 45438 §5.1: at the start, the end, or both, with an AI element
 * and a generation element), the pieces a chat gateway needs (first/last stream delta, the
 * implicit label as a header value), and Markdown export with a YAML front matter `AIGC:` mapping
 * (TC260-PG-20258A).
 */
import { createHash } from 'node:crypto';
import { parseDocument, stringify } from 'yaml';
import { HeguiError } from '../engine/errors.js';
import { AIGC_FIELDS, labelToJson, type AigcLabel } from './model.js';
import { hasLabelElements } from './visible.js';

export type TextLabelPosition = 'prefix' | 'suffix' | 'both';

export interface TextLabelOptions {
  position?: TextLabelPosition;
  /** Default `【本内容由AI生成】`. */
  prefix?: string;
  /** Default `（本内容由人工智能生成）`. */
  suffix?: string;
  /** Between the label and the text; default a line break. */
  separator?: string;
}

export const DEFAULT_TEXT_PREFIX = '【本内容由AI生成】';
export const DEFAULT_TEXT_SUFFIX = '（本内容由人工智能生成）';
/** Implementers check the first and last 64 characters for the explicit label. */
export const TEXT_LABEL_WINDOW = 64;
/** Response header carrying the implicit label of a chat answer. */
export const IMPLICIT_LABEL_HEADER = 'x-aigc-label';

function wording(options: TextLabelOptions): { prefix?: string; suffix?: string; separator: string } {
  const position = options.position ?? 'prefix';
  const separator = options.separator ?? '\n';
  const prefix = position === 'suffix' ? undefined : (options.prefix ?? DEFAULT_TEXT_PREFIX);
  const suffix = position === 'prefix' ? undefined : (options.suffix ?? DEFAULT_TEXT_SUFFIX);
  for (const [name, value] of [
    ['prefix', prefix],
    ['suffix', suffix],
  ] as const) {
    if (value !== undefined && !hasLabelElements(value)) {
      throw new HeguiError(
        'config_invalid',
        `text label ${JSON.stringify(value)} needs an AI element ("AI" or "人工智能") and a generation element ("生成" or "合成")`,
        `text.${name}`,
      );
    }
  }
  return {
    ...(prefix !== undefined ? { prefix } : {}),
    ...(suffix !== undefined ? { suffix } : {}),
    separator,
  };
}

/** The text with its explicit label(s) added. */
export function addTextLabel(text: string, options: TextLabelOptions = {}): string {
  const { prefix, suffix, separator } = wording(options);
  return `${prefix !== undefined ? prefix + separator : ''}${text}${suffix !== undefined ? separator + suffix : ''}`;
}

/**
 * What a streaming gateway sends around the model's deltas: `first` before the first delta and
 * `last` after the last one (either absent per the position).
 */
export function chatLabelDeltas(options: TextLabelOptions = {}): { first?: string; last?: string } {
  const { prefix, suffix, separator } = wording(options);
  return {
    ...(prefix !== undefined ? { first: prefix + separator } : {}),
    ...(suffix !== undefined ? { last: separator + suffix } : {}),
  };
}

/** Whether the first or last `window` characters carry an explicit label with both elements. */
export function hasExplicitTextLabel(text: string, window = TEXT_LABEL_WINDOW): boolean {
  const chars = [...text];
  return hasLabelElements(chars.slice(0, window).join('')) || hasLabelElements(chars.slice(-window).join(''));
}

/** The implicit label as a header value / `hegui` response field: the seven fields as JSON. */
export function implicitLabelHeader(label: AigcLabel): string {
  return labelToJson(label);
}

/** Content digest of a text: SHA-256 of its UTF-8 bytes. */
export function textDigest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export interface MarkdownParts {
  /** The front matter's YAML source without the `---` fences, or undefined when there is none. */
  readonly frontMatter?: string;
  readonly body: string;
}

const FRONT_MATTER = /^---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?---[ \t]*(?:\r?\n|$)/;

export function splitMarkdown(markdown: string): MarkdownParts {
  const text = markdown.charCodeAt(0) === 0xfeff ? markdown.slice(1) : markdown;
  const m = FRONT_MATTER.exec(text);
  if (!m) return { body: text };
  return { frontMatter: m[1] ?? '', body: text.slice(m[0].length) };
}

export interface MarkdownLabelRead {
  /** JSON text per label found (the `AIGC` mapping re-serialised, or its string value). */
  readonly sites: readonly string[];
  readonly body: string;
  readonly problems: readonly string[];
}

/** Reads the `AIGC` front-matter entry of a Markdown document. */
export function readMarkdownLabel(markdown: string): MarkdownLabelRead {
  const { frontMatter, body } = splitMarkdown(markdown);
  if (frontMatter === undefined) return { sites: [], body, problems: [] };
  const doc = parseDocument(frontMatter, { uniqueKeys: false });
  const problems = doc.errors.map((e) => `front matter: ${e.message}`);
  const value: unknown = doc.toJS();
  if (typeof value !== 'object' || value === null) return { sites: [], body, problems };
  const count = (doc.contents as { items?: { key?: { value?: unknown } }[] } | null)?.items?.filter(
    (item) => item.key?.value === 'AIGC',
  ).length;
  const aigc = (value as Record<string, unknown>)['AIGC'];
  if (aigc === undefined) return { sites: [], body, problems };
  const json = typeof aigc === 'string' ? aigc : JSON.stringify(aigc);
  return { sites: Array.from({ length: Math.max(1, count ?? 1) }, () => json), body, problems };
}

/**
 * Markdown with the label in the front matter (`AIGC:` mapping of the seven fields, in order). An
 * existing front matter is kept and its `AIGC` entry replaced; the body is left as it is.
 */
export function writeMarkdownLabel(markdown: string, label: AigcLabel): string {
  const { frontMatter, body } = splitMarkdown(markdown);
  const ordered: Record<string, string> = {};
  for (const field of AIGC_FIELDS) ordered[field] = label[field];
  if (frontMatter === undefined || frontMatter.trim() === '') {
    return `---\n${stringify({ AIGC: ordered })}---\n${body}`;
  }
  const doc = parseDocument(frontMatter);
  if (doc.errors.length > 0 || typeof doc.toJS() !== 'object' || doc.toJS() === null) {
    throw new HeguiError('input_invalid', 'the existing front matter is not a YAML mapping');
  }
  doc.set('AIGC', doc.createNode(ordered));
  return `---\n${doc.toString()}---\n${body}`;
}
