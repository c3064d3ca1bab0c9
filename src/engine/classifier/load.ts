/** The classifier module's one piece of I/O: reading a model file. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeguiError } from '../errors.js';
import { packageRoot } from '../policy/load.js';
import { Classifier } from './classifier.js';
import { deserializeModel, type ClassifierModel } from './model.js';

/** File name of the shipped default model under `models/`. */
export const BUILTIN_MODEL = 'cold-default.bin';

/** Absolute path of the shipped default model. */
export function builtinModelPath(): string {
  return join(packageRoot(), 'models', BUILTIN_MODEL);
}

/**
 * Reads and checks a model file.
 * @throws HeguiError `library_format` if it cannot be read or is not a valid model.
 */
export function loadModel(path: string): ClassifierModel {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new HeguiError('library_format', `cannot read classifier model: ${(err as Error).message}`, path, {
      cause: err,
    });
  }
  return deserializeModel(bytes, path);
}

/** Reads a model file into a ready classifier. */
export function loadClassifier(path: string): Classifier {
  return new Classifier(loadModel(path));
}
