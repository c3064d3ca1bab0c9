import { HeguiError } from '../errors.js';
import type { NormalizeOptions } from './types.js';

/** Every option spelled out; what the compiled normaliser actually runs with. */
export interface ResolvedNormalizeOptions {
  readonly width: boolean;
  readonly caseFold: boolean;
  readonly traditional: boolean;
  readonly stripInvisible: boolean;
  readonly skipSeparators: boolean;
  readonly homoglyphs: boolean;
  /** 0 means off. */
  readonly collapseRepeats: number;
}

export const DEFAULT_NORMALIZE_OPTIONS: Readonly<Required<NormalizeOptions>> = Object.freeze({
  width: true,
  caseFold: true,
  traditional: true,
  stripInvisible: true,
  skipSeparators: true,
  homoglyphs: true,
  collapseRepeats: false,
});

/** Every step switched off: output equals input with identity offsets. */
export const NO_NORMALIZE_OPTIONS: Readonly<Required<NormalizeOptions>> = Object.freeze({
  width: false,
  caseFold: false,
  traditional: false,
  stripInvisible: false,
  skipSeparators: false,
  homoglyphs: false,
  collapseRepeats: false,
});

export function resolveNormalizeOptions(options: NormalizeOptions = {}): ResolvedNormalizeOptions {
  const pick = (key: Exclude<keyof NormalizeOptions, 'collapseRepeats'>): boolean =>
    options[key] ?? DEFAULT_NORMALIZE_OPTIONS[key];
  const collapse = options.collapseRepeats ?? DEFAULT_NORMALIZE_OPTIONS.collapseRepeats;
  if (collapse !== false && (!Number.isInteger(collapse) || collapse < 1)) {
    throw new HeguiError(
      'config_invalid',
      `must be a positive integer or false, got ${String(collapse)}`,
      'normalize.collapseRepeats',
    );
  }
  return {
    width: pick('width'),
    caseFold: pick('caseFold'),
    traditional: pick('traditional'),
    stripInvisible: pick('stripInvisible'),
    skipSeparators: pick('skipSeparators'),
    homoglyphs: pick('homoglyphs'),
    collapseRepeats: collapse === false ? 0 : collapse,
  };
}
