/** The secret key file and keyed pseudonyms; store options from the environment. */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, resolveStoreOptions } from './index.js';
import { loadOrCreateSecret, pseudonymize } from './secret.js';

describe('loadOrCreateSecret', () => {
  it('creates a 0600 key file once and reads it back', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'hegui-secret-')), 'nested');
    const first = await loadOrCreateSecret(dir);
    expect(first.created).toBe(true);
    expect(first.key).toHaveLength(32);
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    const second = await loadOrCreateSecret(dir);
    expect(second).toEqual({ key: first.key, created: false });
    expect(readFileSync(join(dir, 'secret.key'), 'utf8').trim()).toBe(first.key.toString('hex'));
  });

  it('prefers the environment, as hex or base64, and refuses anything else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hegui-secret-'));
    const key = Buffer.alloc(32, 0xab);
    expect((await loadOrCreateSecret(dir, key.toString('hex'))).key).toEqual(key);
    expect((await loadOrCreateSecret(dir, key.toString('base64'))).key).toEqual(key);
    await expect(loadOrCreateSecret(dir, 'abcd')).rejects.toMatchObject({ code: 'config_invalid' });
    writeFileSync(join(dir, 'secret.key'), 'short\n');
    await expect(loadOrCreateSecret(dir)).rejects.toMatchObject({ code: 'config_invalid' });
  });
});

describe('pseudonymize', () => {
  const secret = Buffer.alloc(32, 3);

  it('is stable, keyed and separates tenant from user', () => {
    const p = pseudonymize(secret, 'acme', 'alice');
    expect(p).toMatch(/^[0-9a-f]{64}$/);
    expect(pseudonymize(secret, 'acme', 'alice')).toBe(p);
    expect(pseudonymize(Buffer.alloc(32, 4), 'acme', 'alice')).not.toBe(p);
    expect(pseudonymize(secret, 'globex', 'alice')).not.toBe(p);
    expect(pseudonymize(secret, 'ab', 'c')).not.toBe(pseudonymize(secret, 'a', 'bc'));
  });

  it('is what an open store computes with its key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hegui-secret-'));
    const store = await openStore({ dataDir: dir, secretKey: secret, instanceId: 'x' });
    try {
      expect(store.pseudonymize('acme', 'alice')).toBe(pseudonymize(secret, 'acme', 'alice'));
    } finally {
      await store.close();
    }
  });
});

describe('resolveStoreOptions', () => {
  it('reads HEGUI_* variables, and overrides win', () => {
    const env = {
      HEGUI_DATA_DIR: '/var/lib/hegui',
      HEGUI_DATABASE_URL: 'postgres://h/db',
      HEGUI_SECRET_KEY: '11'.repeat(32),
      HEGUI_INSTANCE_ID: 'gw-1',
    };
    expect(resolveStoreOptions(env)).toEqual({
      dataDir: '/var/lib/hegui',
      databaseUrl: 'postgres://h/db',
      instanceId: 'gw-1',
      secretKey: Buffer.alloc(32, 0x11),
    });
    expect(resolveStoreOptions({}, { dataDir: 'x', databaseUrl: undefined })).toEqual({ dataDir: 'x' });
    expect(resolveStoreOptions({})).toEqual({ dataDir: 'data' });
    expect(() => resolveStoreOptions({ HEGUI_SECRET_KEY: 'nope' })).toThrow(/32 bytes/);
  });
});
