/** What every container reader returns. */
import { createHash } from 'node:crypto';

export type ImageFormat = 'png' | 'jpeg' | 'webp';

/** One place in a file where an `AIGC` label was found. */
export interface LabelSite {
  /** E.g. `png:iTXt:XMP TC260:AIGC`, `jpeg:APP1:XMP TC260:AIGC`, `png:tEXt:AIGC`. */
  readonly location: string;
  /** The raw value (JSON text as stored). */
  readonly json: string;
}

export interface ContainerInfo {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  readonly sites: readonly LabelSite[];
  /** Structural problems found while reading (bad CRC of a text chunk and the like). */
  readonly problems: readonly string[];
  /** The byte ranges the content digest covers, in order. */
  readonly ranges: () => Buffer[];
  /** SHA-256 of the content without the metadata labeling writes (computed on demand). */
  readonly digest: () => Buffer;
}

/** SHA-256 over the ranges, in order. */
export function digestOf(ranges: readonly Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const r of ranges) hash.update(r);
  return hash.digest();
}

/** Whether two range lists hold the same bytes (however they are split); a memcmp, no hashing. */
export function sameBytes(a: readonly Buffer[], b: readonly Buffer[]): boolean {
  let ai = 0;
  let bi = 0;
  let ao = 0;
  let bo = 0;
  for (;;) {
    while (ai < a.length && ao === (a[ai] as Buffer).length) {
      ai++;
      ao = 0;
    }
    while (bi < b.length && bo === (b[bi] as Buffer).length) {
      bi++;
      bo = 0;
    }
    if (ai === a.length || bi === b.length) return ai === a.length && bi === b.length;
    const x = a[ai] as Buffer;
    const y = b[bi] as Buffer;
    const n = Math.min(x.length - ao, y.length - bo);
    if (x.compare(y, bo, bo + n, ao, ao + n) !== 0) return false;
    ao += n;
    bo += n;
  }
}
