/** Reading CLI input: a file or `-` for stdin, strictly UTF-8. */
import { readFile } from 'node:fs/promises';
import { HeguiError } from '../engine/errors.js';

export async function readAll(source: string): Promise<Buffer> {
  if (source === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(source);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new HeguiError(
      'input_invalid',
      code === 'ENOENT' ? 'no such file' : (err as Error).message,
      source,
      { cause: err },
    );
  }
}

/** Decodes UTF-8 and refuses invalid bytes (fail closed: text we cannot read is not "clean"). */
export function decodeUtf8(bytes: Uint8Array, source: string): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw new HeguiError('input_invalid', 'input is not valid UTF-8', source === '-' ? 'stdin' : source);
  }
}
