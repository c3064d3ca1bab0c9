/**
 * Propagator mode (Labeling Measures art. 6, requirements §3.5): what a distributing platform reads
 * from an upload, which notice it must show, and the propagation fields it writes.
 *
 *   label found ("1", or a "2"/"3" written by an earlier platform)  → keep Label and producer fields
 *   no label, uploader declared AI-generated                        → Label "2", "may be AI-generated"
 *   no label, no declaration, detector found explicit labels/traces → Label "3", "suspected"
 *   malformed or duplicate labels                                   → inconclusive (never "not AI")
 *
 * Propagation writes ContentPropagator, PropagateID and ReservedCode2 (hash of all fields before
 * it and the content, signed when a key is given); producer fields and ReservedCode1 stay as they
 * were, so the producer's hash and signature keep verifying.
 */
import { HeguiError } from '../engine/errors.js';
import { readImage, writeImageLabel } from './container.js';
import { sealPropagator } from './integrity.js';
import { emptyLabel, labelToJson, newContentId, type AigcLabel, type LabelValue } from './model.js';
import { requireProviderCode } from './provider-code.js';
import { readMarkdownLabel, textDigest, writeMarkdownLabel } from './text.js';
import {
  assessSites,
  verifyContainer,
  verifyImageMetadata,
  verifyMarkdown,
  type VerifyOptions,
  type VerifyReport,
} from './verify.js';
import { toSigningKey, type KeyInput } from './apply.js';
import { sameBytes, type LabelSite } from './container-types.js';

export type InspectStatus = 'labelled' | 'declared' | 'suspected' | 'unlabelled' | 'inconclusive';

/** The notice a platform shows next to the content, per status. */
export const NOTICES: Readonly<Record<InspectStatus, string>> = {
  labelled: '该内容由人工智能生成',
  declared: '该内容可能由人工智能生成（发布者声明）',
  suspected: '该内容疑似由人工智能生成',
  unlabelled: '未发现人工智能生成合成内容标识；如为AI生成内容，请发布者主动声明',
  inconclusive: '人工智能生成合成内容标识异常，无法确认（不视为非AI生成）',
};

const STATUS_OF_LABEL: Readonly<Record<LabelValue, InspectStatus>> = {
  '1': 'labelled',
  '2': 'declared',
  '3': 'suspected',
};

export interface InspectOptions extends VerifyOptions {
  /** The uploader declared the content AI-generated. */
  declared?: boolean;
  /** The platform's detector found explicit labels or synthesis traces. */
  detected?: boolean;
}

export interface InspectReport {
  readonly status: InspectStatus;
  readonly notice: string;
  /** The label found (status labelled/declared/suspected from metadata). */
  readonly label?: AigcLabel;
  /** Where the status came from. */
  readonly basis: 'metadata' | 'declaration' | 'detection' | 'explicit_text_label' | 'none';
  readonly sites: readonly LabelSite[];
  readonly verify: VerifyReport;
}

function decide(
  verify: VerifyReport,
  options: InspectOptions,
  textLabelFound: boolean,
): Omit<InspectReport, 'verify' | 'sites' | 'notice'> {
  const structural = verify.failures.some((f) =>
    ['duplicate_label', 'malformed_json', 'field_type', 'bad_label_value'].includes(f.code),
  );
  if (verify.sites.length > 0) {
    if (structural || !verify.label) return { status: 'inconclusive', basis: 'metadata' };
    return { status: STATUS_OF_LABEL[verify.label.Label], label: verify.label, basis: 'metadata' };
  }
  if (options.declared) return { status: 'declared', basis: 'declaration' };
  if (options.detected) return { status: 'suspected', basis: 'detection' };
  if (textLabelFound) return { status: 'suspected', basis: 'explicit_text_label' };
  return { status: 'unlabelled', basis: 'none' };
}

function report(verify: VerifyReport, options: InspectOptions, textLabelFound: boolean): InspectReport {
  const decided = decide(verify, options, textLabelFound);
  return { ...decided, notice: NOTICES[decided.status], sites: verify.sites, verify };
}

export function inspectImage(
  bytes: Uint8Array,
  options: InspectOptions = {},
  where = 'image',
): InspectReport {
  return report(verifyImageMetadata(bytes, options, where), options, false);
}

export function inspectMarkdown(markdown: string, options: InspectOptions = {}): InspectReport {
  const verify = verifyMarkdown(markdown, options);
  return report(verify, options, verify.visible?.textLabel === true);
}

export interface PropagateOptions extends VerifyOptions {
  /** The platform's 27-character provider code (extension `2xxxx` or `00000`). */
  propagator: string;
  propagateId?: string;
  declared?: boolean;
  detected?: boolean;
  signKey?: KeyInput;
}

export interface PropagateResult {
  readonly inspect: InspectReport;
  /** Absent when nothing was written (unlabelled or inconclusive). */
  readonly label?: AigcLabel;
  readonly json?: string;
}

function propagatedLabel(
  inspect: InspectReport,
  options: PropagateOptions,
  digest: Uint8Array,
): AigcLabel | undefined {
  requireProviderCode(options.propagator, 'propagation', 'propagator');
  const base =
    inspect.basis === 'metadata'
      ? inspect.label
      : inspect.status === 'declared'
        ? emptyLabel('2')
        : inspect.status === 'suspected'
          ? emptyLabel('3')
          : undefined;
  if (!base) return undefined;
  const label: AigcLabel = {
    ...base,
    ContentPropagator: options.propagator,
    PropagateID: options.propagateId ?? newContentId(),
    ReservedCode2: '',
  };
  if (!/^[\x21-\x7e]{1,128}$/.test(label.PropagateID)) {
    throw new HeguiError(
      'input_invalid',
      'PropagateID must be 1–128 printable ASCII characters',
      'propagateId',
    );
  }
  label.ReservedCode2 = sealPropagator(label, digest, toSigningKey(options.signKey));
  return label;
}

/** Propagates a PNG, JPEG or WebP: inspects it and, unless unlabelled or inconclusive, writes the label. */
export function propagateImage(
  bytes: Uint8Array,
  options: PropagateOptions,
  where = 'image',
): PropagateResult & { bytes?: Buffer } {
  const info = readImage(bytes, where);
  const digest = info.digest();
  const inspect = report(verifyContainer(info, options, digest), options, false);
  const label = propagatedLabel(inspect, options, digest);
  if (!label) return { inspect };
  const json = labelToJson(label);
  const out = writeImageLabel(bytes, json, where);
  const back = readImage(out, where);
  const backDigest = sameBytes(back.ranges(), info.ranges()) ? digest : back.digest();
  const check = assessSites(back.sites, () => backDigest, options);
  if (
    back.sites.length !== 1 ||
    back.sites[0]?.json !== json ||
    (check.propagator?.status !== 'ok' && check.propagator?.status !== 'untrusted_key') ||
    check.producer?.status !== inspect.verify.producer?.status
  ) {
    throw new HeguiError(
      'internal',
      'read-back verification failed: the propagated label does not read back as written',
      where,
    );
  }
  return { inspect, label, json, bytes: out };
}

/** Propagates a Markdown document (front matter label; explicit body labels count as detection). */
export function propagateMarkdown(
  markdown: string,
  options: PropagateOptions,
  where = 'markdown',
): PropagateResult & { markdown?: string } {
  const inspect = inspectMarkdown(markdown, options);
  const read = readMarkdownLabel(markdown);
  const label = propagatedLabel(inspect, options, textDigest(read.body));
  if (!label) return { inspect };
  const json = labelToJson(label);
  const out = writeMarkdownLabel(markdown, label);
  const back = readMarkdownLabel(out);
  if (back.sites.length !== 1 || back.sites[0] !== json || back.body !== read.body) {
    throw new HeguiError(
      'internal',
      'read-back verification failed: the written label does not read back as written',
      where,
    );
  }
  return { inspect, label, json, markdown: out };
}
