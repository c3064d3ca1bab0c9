/** What every container reader returns. */

export type ImageFormat = 'png' | 'jpeg';

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
  /** SHA-256 of the content without the metadata labeling writes (computed on demand). */
  readonly digest: () => Buffer;
}
