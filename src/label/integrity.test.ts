import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkProducer,
  checkPropagator,
  loadSigningKey,
  parseIntegrity,
  publicKeyId,
  sealProducer,
  sealPropagator,
} from './integrity.js';
import { emptyLabel } from './model.js';

const digest = createHash('sha256').update('content').digest();
const other = createHash('sha256').update('other content').digest();
const ed = generateKeyPairSync('ed25519');
const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

function producerLabel() {
  return { ...emptyLabel('1'), ContentProducer: '001191110102MACQD9K64010000', ProduceID: 'id-0001' };
}

function flipByte(s: string, at: number): string {
  const c = s.charCodeAt(at);
  return s.slice(0, at) + String.fromCharCode(c === 0x30 ? 0x31 : 0x30) + s.slice(at + 1);
}

describe('ReservedCode1 / ReservedCode2 integrity', () => {
  it('unsigned: the hash binds the fields and the content', () => {
    const label = producerLabel();
    label.ReservedCode1 = sealProducer(label, digest);
    expect(label.ReservedCode1).toMatch(/^hegui1;h=[A-Za-z0-9_-]{43}$/);
    expect(checkProducer(label, digest)).toMatchObject({ status: 'ok', signed: false });
    expect(checkProducer(label, other).status).toBe('hash_mismatch');
    expect(checkProducer({ ...label, ProduceID: 'id-0002' }, digest).status).toBe('hash_mismatch');
    expect(checkProducer({ ...label, Label: '3' }, digest).status).toBe('hash_mismatch');
  });

  for (const [name, pair, alg] of [
    ['Ed25519', ed, 'ed25519'],
    ['ECDSA P-256', p256, 'es256'],
  ] as const) {
    it(`${name}: a signed label verifies; flipping one byte of ProduceID fails the signature`, () => {
      const key = loadSigningKey(pair.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
      expect(key.algorithm).toBe(alg);
      const label = producerLabel();
      label.ReservedCode1 = sealProducer(label, digest, { key });
      expect(checkProducer(label, digest)).toMatchObject({
        status: 'ok',
        signed: true,
        algorithm: alg,
        keyId: key.keyId,
      });
      for (let i = 0; i < label.ProduceID.length; i++) {
        expect(checkProducer({ ...label, ProduceID: flipByte(label.ProduceID, i) }, digest).status).toBe(
          'signature_invalid',
        );
      }
      // Even with the hash recomputed by the forger, the signature fails.
      const forged = { ...label, ProduceID: flipByte(label.ProduceID, 3) };
      const rehashed = sealProducer(forged, digest).split(';')[1] as string;
      forged.ReservedCode1 = label.ReservedCode1.replace(/h=[^;]+/, rehashed);
      expect(checkProducer(forged, digest).status).toBe('signature_invalid');
      expect(checkProducer(label, other).status).toBe('signature_invalid');
    });
  }

  it('trusted keys: another signer is reported as untrusted', () => {
    const key = loadSigningKey(ed.privateKey);
    const label = producerLabel();
    label.ReservedCode1 = sealProducer(label, digest, { key });
    const mine = publicKeyId(ed.publicKey.export({ format: 'pem', type: 'spki' }) as string);
    expect(mine).toBe(key.keyId);
    expect(checkProducer(label, digest, [mine]).status).toBe('ok');
    const stranger = publicKeyId(generateKeyPairSync('ed25519').publicKey);
    expect(checkProducer(label, digest, [stranger]).status).toBe('untrusted_key');
  });

  it('the visible record is part of the signed message', () => {
    const key = loadSigningKey(ed.privateKey);
    const label = producerLabel();
    const visible = { x: 900, y: 950, width: 110, height: 60, textHeight: 62 };
    label.ReservedCode1 = sealProducer(label, digest, { key, visible });
    expect(parseIntegrity(label.ReservedCode1)).toMatchObject({ visible, algorithm: 'ed25519' });
    expect(checkProducer(label, digest).status).toBe('ok');
    const bigger = label.ReservedCode1.replace('v=900,950,110,60,62', 'v=900,950,110,60,99');
    expect(checkProducer({ ...label, ReservedCode1: bigger }, digest).status).toBe('signature_invalid');
  });

  it('the propagator seal covers the producer data and leaves it verifying', () => {
    const producerKey = loadSigningKey(ed.privateKey);
    const label = producerLabel();
    label.ReservedCode1 = sealProducer(label, digest, { key: producerKey });
    const propagated = { ...label, ContentPropagator: '001191110102MACQD9K64020001', PropagateID: 'p-1' };
    propagated.ReservedCode2 = sealPropagator(propagated, digest, loadSigningKey(p256.privateKey));
    expect(checkProducer(propagated, digest).status).toBe('ok');
    expect(checkPropagator(propagated, digest)).toMatchObject({
      status: 'ok',
      signed: true,
      algorithm: 'es256',
    });
    expect(checkPropagator({ ...propagated, PropagateID: 'p-2' }, digest).status).toBe('signature_invalid');
    expect(checkPropagator({ ...propagated, ReservedCode1: '' }, digest).status).toBe('signature_invalid');
  });

  it('foreign, malformed and absent integrity data are told apart', () => {
    const label = producerLabel();
    expect(checkProducer(label, digest).status).toBe('absent');
    expect(checkProducer({ ...label, ReservedCode1: '{"SecurityData":"MEUCIQ"}' }, digest).status).toBe(
      'foreign',
    );
    expect(checkProducer({ ...label, ReservedCode1: 'hegui1;h=short' }, digest).status).toBe('malformed');
    expect(
      checkProducer({ ...label, ReservedCode1: `hegui1;h=${'A'.repeat(43)};a=ed25519` }, digest).status,
    ).toBe('malformed');
  });

  it('refuses keys it cannot sign with', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => loadSigningKey(rsa.privateKey)).toThrow(/Ed25519 or ECDSA P-256/);
    expect(() => loadSigningKey('not a key')).toThrow(/not a private key/);
    expect(() => loadSigningKey(ed.publicKey)).toThrow(/private key/);
  });
});
