import { foldWidth } from './fold.js';
import type { ScanInput } from './types.js';

/** Prepare the input every recogniser shares (folding happens once per text). */
export function scanInput(text: string, referenceDate: Date = new Date()): ScanInput {
  return { text, folded: foldWidth(text), referenceDate };
}
