/**
 * The GB 45438-2025 implicit label (§6.1, Annex E): a metadata item `AIGC` holding a JSON object
 * with seven string fields in a fixed order. Serialisation always writes all seven, in order;
 * parsing accepts the bare object and the `{"AIGC": {...}}` wrapper seen in the wild and reports
 * every deviation as an issue instead of throwing.
 */
import { randomBytes } from 'node:crypto';

export const AIGC_FIELDS = [
  'Label',
  'ContentProducer',
  'ProduceID',
  'ReservedCode1',
  'ContentPropagator',
  'PropagateID',
  'ReservedCode2',
] as const;

export type AigcField = (typeof AIGC_FIELDS)[number];

/** "1" AI-generated, "2" possibly AI-generated (declared), "3" suspected AI-generated (detected). */
export type LabelValue = '1' | '2' | '3';

export interface AigcLabel {
  Label: LabelValue;
  ContentProducer: string;
  ProduceID: string;
  ReservedCode1: string;
  ContentPropagator: string;
  PropagateID: string;
  ReservedCode2: string;
}

export interface LabelIssue {
  /** Stable code, e.g. `malformed_json`, `missing_field`, `bad_label_value`, `field_order`. */
  readonly code: string;
  readonly message: string;
  /** Fatal issues make a label non-compliant; the others are reported as warnings. */
  readonly fatal: boolean;
}

export interface ParsedLabel {
  /** The label with missing optional fields filled with "" — absent when the JSON is unusable. */
  readonly label?: AigcLabel;
  readonly issues: readonly LabelIssue[];
  /** True when the JSON used the `{"AIGC": {...}}` wrapper. */
  readonly wrapped: boolean;
}

export function emptyLabel(value: LabelValue): AigcLabel {
  return {
    Label: value,
    ContentProducer: '',
    ProduceID: '',
    ReservedCode1: '',
    ContentPropagator: '',
    PropagateID: '',
    ReservedCode2: '',
  };
}

/** The label as compact JSON with the seven fields in the standard's order. */
export function labelToJson(label: AigcLabel): string {
  const ordered: Record<string, string> = {};
  for (const field of AIGC_FIELDS) ordered[field] = label[field];
  return JSON.stringify(ordered);
}

const REQUIRED: ReadonlySet<AigcField> = new Set(['Label', 'ContentProducer', 'ProduceID']);
/** Annex E (reported): printable single-byte characters, no spaces. */
const PRINTABLE = /^[\x21-\x7e]*$/;

export function parseLabelJson(json: string): ParsedLabel {
  const issues: LabelIssue[] = [];
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    issues.push({
      code: 'malformed_json',
      message: `AIGC value is not JSON: ${(err as Error).message}`,
      fatal: true,
    });
    return { issues, wrapped: false };
  }
  let wrapped = false;
  if (isObject(value) && Object.keys(value).length === 1 && isObject(value['AIGC'])) {
    value = value['AIGC'];
    wrapped = true;
  }
  if (!isObject(value)) {
    issues.push({ code: 'malformed_json', message: 'AIGC value is not a JSON object', fatal: true });
    return { issues, wrapped };
  }
  const label = emptyLabel('1');
  for (const field of AIGC_FIELDS) {
    const v = value[field];
    if (v === undefined) {
      issues.push({
        code: 'missing_field',
        message: `field ${field} is missing`,
        fatal: REQUIRED.has(field),
      });
      continue;
    }
    if (typeof v !== 'string') {
      issues.push({
        code: 'field_type',
        message: `field ${field} must be a string, got ${typeof v}`,
        fatal: true,
      });
      continue;
    }
    if (!PRINTABLE.test(v)) {
      issues.push({
        code: 'field_charset',
        message: `field ${field} has characters outside printable single-byte ASCII (Annex E)`,
        fatal: false,
      });
    }
    (label as unknown as Record<string, string>)[field] = v;
  }
  const rawLabel = value['Label'];
  if (typeof rawLabel === 'string' && !['1', '2', '3'].includes(rawLabel)) {
    issues.push({
      code: 'bad_label_value',
      message: `Label must be "1", "2" or "3", got ${JSON.stringify(rawLabel)}`,
      fatal: true,
    });
  }
  for (const field of ['ContentProducer', 'ProduceID'] as const) {
    if (value[field] === '' && label.Label === '1') {
      issues.push({ code: 'empty_field', message: `field ${field} is empty`, fatal: true });
    }
  }
  const keys = Object.keys(value);
  const unknown = keys.filter((k) => !(AIGC_FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    issues.push({ code: 'unknown_field', message: `unknown fields: ${unknown.join(', ')}`, fatal: false });
  }
  const known = keys.filter((k) => (AIGC_FIELDS as readonly string[]).includes(k));
  const expected = AIGC_FIELDS.filter((f) => known.includes(f));
  if (known.join() !== expected.join()) {
    issues.push({
      code: 'field_order',
      message: `fields are not in the standard's order (${known.join(', ')})`,
      fatal: false,
    });
  }
  const fatalShape = issues.some((i) => i.fatal && (i.code === 'field_type' || i.code === 'bad_label_value'));
  label.Label = (['1', '2', '3'].includes(String(rawLabel)) ? rawLabel : '1') as LabelValue;
  return fatalShape ? { issues, wrapped } : { label, issues, wrapped };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A new content ID: 32 lower-case hex digits laid out like a UUIDv7 (48-bit millisecond time, then
 * 74 random bits), so IDs sort by creation time and never collide in practice. Printable ASCII only.
 */
export function newContentId(now: number = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  return bytes.toString('hex');
}
