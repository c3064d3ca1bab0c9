import { HeguiError } from '../errors.js';

export interface OffsetMap {
  readonly starts: ArrayLike<number>;
  readonly ends: ArrayLike<number>;
}

/**
 * Maps a half-open range [start, end) of normalised text to the half-open range of the original text
 * it came from. Offsets are monotonic, so the original range runs from the first unit's start to the last
 * unit's end and covers anything dropped in between (a skipped separator, an invisible character).
 * An empty range maps to an empty range at the corresponding original position.
 */
export function toOriginalRange(map: OffsetMap, start: number, end: number): { start: number; end: number } {
  const length = map.starts.length;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > length) {
    throw new HeguiError('internal', `normalised range [${start}, ${end}) is outside [0, ${length}]`);
  }
  if (start === end) {
    const at = start < length ? (map.starts[start] ?? 0) : length > 0 ? (map.ends[length - 1] ?? 0) : 0;
    return { start: at, end: at };
  }
  return { start: map.starts[start] ?? 0, end: map.ends[end - 1] ?? 0 };
}
