/**
 * The verifier: is a file's labeling compliant? Every failure is listed with a stable code:
 *
 *   no_label, duplicate_label, malformed_json, missing_field, field_type, bad_label_value,
 *   empty_field, bad_provider_code, bad_propagator_code, hash_mismatch, signature_invalid,
 *   untrusted_key, unsigned (when a signature is required), integrity_malformed,
 *   visible_missing, visible_too_small, visible_off_edge, file_problem
 *
 * Warnings (field order, unknown fields, charset, integrity data in a foreign format) never make a
 * file non-compliant. The same function does the read-back check after every write.
 */
import { HeguiError } from '../engine/errors.js';
import type { ContainerInfo, LabelSite } from './container-types.js';
import { readImage } from './container.js';
import { checkProducer, checkPropagator, type IntegrityCheck, type VisibleRecord } from './integrity.js';
import { parseLabelJson, type AigcLabel } from './model.js';
import { parseProviderCode } from './provider-code.js';
import { hasExplicitTextLabel, readMarkdownLabel, textDigest } from './text.js';
import { measureStamp, minTextHeight } from './visible.js';

export type LabelledFormat = 'png' | 'jpeg' | 'webp' | 'markdown' | 'text';

export interface Finding {
  readonly code: string;
  readonly message: string;
}

export interface VerifyOptions {
  /** Key IDs (see `publicKeyId`) whose signatures are trusted; others fail with `untrusted_key`. */
  trustedKeys?: readonly string[];
  /** Fail unsigned labels. */
  requireSignature?: boolean;
  /** Require the explicit (visible) label: hegui's image stamp, or a text label in the first/last 64 characters. */
  requireVisible?: boolean;
  /** Accept a provider name instead of a 27-character code in ContentProducer/ContentPropagator. */
  allowNames?: boolean;
}

export interface VisibleCheck {
  readonly recorded?: VisibleRecord;
  /** Text height in pixels measured in the image (images with a recorded stamp only). */
  readonly measuredTextHeight?: number;
  readonly requiredTextHeight?: number;
  /** Explicit text label found (text and Markdown). */
  readonly textLabel?: boolean;
}

export interface VerifyReport {
  readonly format: LabelledFormat;
  readonly compliant: boolean;
  readonly sites: readonly LabelSite[];
  readonly label?: AigcLabel;
  readonly failures: readonly Finding[];
  readonly warnings: readonly Finding[];
  readonly producer?: IntegrityCheck;
  readonly propagator?: IntegrityCheck;
  readonly visible?: VisibleCheck;
  readonly width?: number;
  readonly height?: number;
}

interface Draft {
  failures: Finding[];
  warnings: Finding[];
  label?: AigcLabel;
  producer?: IntegrityCheck;
  propagator?: IntegrityCheck;
}

const INTEGRITY_FAILURES: ReadonlySet<string> = new Set([
  'hash_mismatch',
  'signature_invalid',
  'untrusted_key',
]);

function checkCode(
  draft: Draft,
  value: string,
  field: string,
  code: 'bad_provider_code' | 'bad_propagator_code',
  options: VerifyOptions,
) {
  const parsed = parseProviderCode(value);
  if (parsed.ok) {
    const wrong = field === 'ContentProducer' ? 'propagation' : 'generation';
    if (parsed.value.role === wrong) {
      draft.warnings.push({ code: 'code_role', message: `${field} ${value} is a ${wrong} service code` });
    }
    return;
  }
  if (options.allowNames && !/^00/.test(value)) {
    draft.warnings.push({ code: 'provider_name', message: `${field} is a name, not a provider code` });
    return;
  }
  draft.failures.push({ code, message: `${field} ${JSON.stringify(value)}: ${parsed.reason}` });
}

function checkIntegrity(draft: Draft, check: IntegrityCheck, field: string, options: VerifyOptions) {
  if (INTEGRITY_FAILURES.has(check.status)) {
    draft.failures.push({ code: check.status, message: `${field}: ${check.message}` });
  } else if (check.status === 'malformed') {
    draft.failures.push({ code: 'integrity_malformed', message: `${field}: ${check.message}` });
  } else if (check.status === 'foreign') {
    draft.warnings.push({ code: 'integrity_foreign', message: `${field}: ${check.message}` });
  }
  if (options.requireSignature && check.status !== 'foreign' && !check.signed) {
    draft.failures.push({ code: 'unsigned', message: `${field}: the label is not signed` });
  }
}

/** Checks the label sites of any format against the content digest. */
export function assessSites(
  sites: readonly LabelSite[],
  digest: () => Uint8Array,
  options: VerifyOptions,
): Draft {
  const draft: Draft = { failures: [], warnings: [] };
  if (sites.length === 0) {
    draft.failures.push({ code: 'no_label', message: 'no AIGC implicit label in the file metadata' });
    return draft;
  }
  if (sites.length > 1) {
    draft.failures.push({
      code: 'duplicate_label',
      message: `${sites.length} AIGC labels (${sites.map((s) => s.location).join(', ')}); GB 45438 allows one`,
    });
  }
  const parsed = parseLabelJson((sites[0] as LabelSite).json);
  for (const issue of parsed.issues) {
    (issue.fatal ? draft.failures : draft.warnings).push({ code: issue.code, message: issue.message });
  }
  const label = parsed.label;
  if (!label) return draft;
  draft.label = label;
  if (label.ContentProducer !== '') {
    checkCode(draft, label.ContentProducer, 'ContentProducer', 'bad_provider_code', options);
  }
  if (label.ContentPropagator !== '') {
    checkCode(draft, label.ContentPropagator, 'ContentPropagator', 'bad_propagator_code', options);
  } else if (label.Label !== '1') {
    draft.failures.push({
      code: 'missing_field',
      message: `Label "${label.Label}" is set by a propagator, but ContentPropagator is empty`,
    });
  }
  if (label.ContentPropagator !== '' && label.PropagateID === '') {
    draft.failures.push({
      code: 'empty_field',
      message: 'PropagateID is empty while ContentPropagator is set',
    });
  }
  const bytes = digest();
  if (label.ReservedCode1 !== '' || label.ContentProducer !== '') {
    draft.producer = checkProducer(label, bytes, options.trustedKeys);
    if (label.ContentProducer !== '') checkIntegrity(draft, draft.producer, 'ReservedCode1', options);
  }
  if (label.ReservedCode2 !== '' || label.ContentPropagator !== '') {
    draft.propagator = checkPropagator(label, bytes, options.trustedKeys);
    if (label.ContentPropagator !== '') checkIntegrity(draft, draft.propagator, 'ReservedCode2', options);
  }
  return draft;
}

function finish(
  format: LabelledFormat,
  sites: readonly LabelSite[],
  draft: Draft,
  extra: Partial<VerifyReport>,
): VerifyReport {
  return {
    format,
    compliant: draft.failures.length === 0,
    sites,
    ...(draft.label ? { label: draft.label } : {}),
    failures: draft.failures,
    warnings: draft.warnings,
    ...(draft.producer ? { producer: draft.producer } : {}),
    ...(draft.propagator ? { propagator: draft.propagator } : {}),
    ...extra,
  };
}

function visibleGeometry(draft: Draft, info: ContainerInfo, record: VisibleRecord): number {
  const required = minTextHeight(info.width, info.height);
  if (record.textHeight < required) {
    draft.failures.push({
      code: 'visible_too_small',
      message: `visible label text is ${record.textHeight} px, below 5 % of the shorter side (${required} px)`,
    });
  }
  const inside =
    record.x + record.width <= info.width && record.y + record.height <= info.height && record.width > 0;
  const reach = Math.ceil(0.05 * Math.min(info.width, info.height));
  const nearEdge =
    record.x <= reach ||
    record.y <= reach ||
    info.width - record.x - record.width <= reach ||
    info.height - record.y - record.height <= reach;
  if (!inside || !nearEdge) {
    draft.failures.push({
      code: 'visible_off_edge',
      message: 'the recorded visible label is not on an edge or corner of the image',
    });
  }
  return required;
}

/**
 * Metadata-only verification of a PNG, JPEG or WebP (synchronous, no decoding). With `requireVisible`
 * it checks the recorded stamp geometry; `verifyImage` also measures the stamp's pixels.
 */
export function verifyImageMetadata(
  bytes: Uint8Array,
  options: VerifyOptions = {},
  where = 'image',
): VerifyReport {
  return verifyContainer(readImage(bytes, where), options);
}

/** Verification of an already parsed image; `digest` when the caller already knows it. */
export function verifyContainer(
  info: ContainerInfo,
  options: VerifyOptions = {},
  digest?: Buffer,
): VerifyReport {
  const draft = assessSites(info.sites, digest ? () => digest : info.digest, options);
  for (const problem of info.problems) draft.failures.push({ code: 'file_problem', message: problem });
  const record = draft.producer?.visible;
  let visible: VisibleCheck | undefined;
  if (record) {
    visible = { recorded: record, requiredTextHeight: visibleGeometry(draft, info, record) };
  } else if (options.requireVisible) {
    draft.failures.push({
      code: 'visible_missing',
      message: 'no visible label recorded in ReservedCode1 (hegui can check only the stamp it drew)',
    });
  }
  return finish(info.format, info.sites, draft, {
    width: info.width,
    height: info.height,
    ...(visible ? { visible } : {}),
  });
}

/** Full image verification: metadata, plus the recorded stamp measured in the decoded pixels. */
export async function verifyImage(
  bytes: Uint8Array,
  options: VerifyOptions = {},
  where = 'image',
): Promise<VerifyReport> {
  const report = verifyImageMetadata(bytes, options, where);
  const record = report.visible?.recorded;
  if (!record || report.failures.some((f) => f.code === 'visible_off_edge')) return report;
  let measured: number;
  let plateShare: number;
  try {
    ({ textHeight: measured, plateShare } = await measureStamp(bytes, record));
  } catch (err) {
    throw new HeguiError('input_invalid', `cannot decode the image: ${(err as Error).message}`, where, {
      cause: err,
    });
  }
  const failures = [...report.failures];
  const required = report.visible?.requiredTextHeight ?? 0;
  if (measured === 0 || plateShare < 0.9 || measured > record.height) {
    failures.push({
      code: 'visible_missing',
      message: 'the recorded visible label is not in the image pixels',
    });
  } else if (measured < required) {
    failures.push({
      code: 'visible_too_small',
      message: `visible label text measures ${measured} px, below 5 % of the shorter side (${required} px)`,
    });
  }
  return {
    ...report,
    compliant: failures.length === 0,
    failures,
    visible: { ...report.visible, measuredTextHeight: measured },
  };
}

/** Markdown: the front matter label against the body, and the explicit label in the body. */
export function verifyMarkdown(markdown: string, options: VerifyOptions = {}): VerifyReport {
  const read = readMarkdownLabel(markdown);
  const sites = read.sites.map((json) => ({ location: 'markdown:front-matter:AIGC', json }));
  const draft = assessSites(sites, () => textDigest(read.body), options);
  for (const problem of read.problems) draft.failures.push({ code: 'file_problem', message: problem });
  const textLabel = hasExplicitTextLabel(read.body);
  explicitText(draft, textLabel, options);
  return finish('markdown', sites, draft, { visible: { textLabel } });
}

/** Plain text has no metadata container: only the explicit label can be checked. */
export function verifyPlainText(text: string, options: VerifyOptions = {}): VerifyReport {
  const draft: Draft = { failures: [], warnings: [] };
  const textLabel = hasExplicitTextLabel(text);
  explicitText(draft, textLabel, { ...options, requireVisible: true });
  return finish('text', [], draft, { visible: { textLabel } });
}

function explicitText(draft: Draft, found: boolean, options: VerifyOptions) {
  if (found) return;
  const finding = {
    code: 'visible_missing',
    message: 'no explicit label ("AI"/"人工智能" with "生成"/"合成") in the first or last 64 characters',
  };
  (options.requireVisible ? draft.failures : draft.warnings).push(finding);
}
