/**
 * The instance's secret key (evidence encryption, audit head MACs, pseudonyms) and the keyed
 * pseudonym of an end user.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HeguiError } from '../engine/errors.js';

const KEY_BYTES = 32;

/** Parses a 32-byte key written as 64 hex digits or base64/base64url. */
export function parseSecret(text: string, where: string): Buffer {
  const value = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(value)) key = Buffer.from(value, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(value)) key = Buffer.from(value, 'base64');
  if (!key || key.length !== KEY_BYTES) {
    throw new HeguiError(
      'config_invalid',
      'the secret key must be 32 bytes, as 64 hex digits or base64',
      where,
    );
  }
  return key;
}

/**
 * The secret key from `HEGUI_SECRET_KEY` when given, else `<dataDir>/secret.key`, which is created
 * (mode 0600, 64 hex digits) on first run; `created` tells the caller to warn about it.
 */
export async function loadOrCreateSecret(
  dataDir: string,
  fromEnv?: string,
): Promise<{ key: Buffer; created: boolean }> {
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return { key: parseSecret(fromEnv, 'HEGUI_SECRET_KEY'), created: false };
  }
  const path = join(dataDir, 'secret.key');
  try {
    return { key: parseSecret(await readFile(path, 'utf8'), path), created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (err instanceof HeguiError) throw err;
      throw new HeguiError('config_invalid', `cannot read the secret key: ${(err as Error).message}`, path, {
        cause: err,
      });
    }
  }
  const key = randomBytes(KEY_BYTES);
  try {
    await mkdir(dataDir, { recursive: true });
    // `wx`: if another process created it meanwhile, fail and read theirs instead.
    await writeFile(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(path, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      return { key: parseSecret(await readFile(path, 'utf8'), path), created: false };
    }
    throw new HeguiError('config_invalid', `cannot write the secret key: ${(err as Error).message}`, path, {
      cause: err,
    });
  }
  return { key, created: true };
}

/** Derives a purpose-bound subkey so no two uses of the secret share a key. */
export function subkey(secret: Buffer, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`hegui/v1/${purpose}`).digest();
}

const pseudonymKeys = new WeakMap<Buffer, Buffer>();

/**
 * The stable pseudonym of an end user within a tenant: HMAC-SHA256 under a subkey of the secret,
 * over length-prefixed tenant and user so `("a","bc")` and `("ab","c")` differ. 64 hex digits.
 */
export function pseudonymize(secret: Buffer, tenant: string, user: string): string {
  let key = pseudonymKeys.get(secret);
  if (!key) {
    key = subkey(secret, 'pseudonym');
    pseudonymKeys.set(secret, key);
  }
  const mac = createHmac('sha256', key);
  for (const part of [tenant, user]) {
    const bytes = Buffer.from(part, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    mac.update(length).update(bytes);
  }
  return mac.digest('hex');
}
