/**
 * Types shared by the PII recognisers and the redactor. Offsets are UTF-16 code-unit positions in
 * the caller's original text, half-open [start, end).
 */
import type { CategoryCode } from '../taxonomy.js';

/** The `pii.*` codes of the taxonomy. */
export type PiiType = Extract<CategoryCode, `pii.${string}`>;

/** One detected value. `value` is exactly `text.slice(start, end)` of the original text. */
export interface PiiMatch {
  readonly type: PiiType;
  readonly start: number;
  readonly end: number;
  readonly value: string;
}

export interface DetectOptions {
  /** Only run these recognisers (default: all). */
  readonly types?: readonly PiiType[];
  /** "Today" for the ID-card birth-date check (default: the current date). Pass it for reproducible results. */
  readonly referenceDate?: Date;
}

/** What one recogniser gets: the original text plus a width-folded copy of the same length. */
export interface ScanInput {
  readonly text: string;
  /** Full-width ASCII folded to ASCII code unit by code unit, so offsets are identical to `text`. */
  readonly folded: string;
  readonly referenceDate: Date;
}

export interface PiiRecognizer {
  readonly type: PiiType;
  /** Candidates of this recogniser's type, sorted by start; may overlap other recognisers' matches. */
  find(input: ScanInput): PiiMatch[];
}

export type RedactionMode = 'mask' | 'placeholder' | 'pseudonym';

export interface RedactOptions {
  /** Secret key for `pseudonym` mode (required there). Keep it out of logs. */
  readonly key?: string | Uint8Array;
  /** Language of `placeholder` and `pseudonym` labels (default `zh`). */
  readonly language?: 'zh' | 'en';
  /** Hex digits of the HMAC kept in a pseudonym token, 8–64 (default 8). */
  readonly tokenHexLength?: number;
}

/** One replacement; start/end are offsets into the text that was redacted (not the output). */
export interface PiiReplacement {
  readonly start: number;
  readonly end: number;
  readonly type: PiiType;
  readonly replacement: string;
}

export interface RedactionResult {
  readonly text: string;
  readonly replacements: readonly PiiReplacement[];
}
