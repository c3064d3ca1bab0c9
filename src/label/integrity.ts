/**
 * Integrity data for `ReservedCode1` (producer) and `ReservedCode2` (propagator).
 *
 * Both hold one printable token string (Annex E: single-byte printable, no spaces):
 *
 *   hegui1;h=<hash>[;v=<x>,<y>,<w>,<h>,<text height>][;a=<alg>;k=<public key>;s=<signature>]
 *
 * `h` is the base64url SHA-256 of a canonical message that binds the label's fields to a digest of
 * the content (see `contentDigest` in each container module: the file's bytes except the metadata
 * that labeling writes, so writing or updating the label never changes it, while any edit of the
 * pixels or a re-encode does). The producer's message covers `Label`, `ContentProducer`,
 * `ProduceID` and the visible-label record `v`; the propagator's message covers every field before
 * `ReservedCode2`, so a propagator never invalidates the producer's data and vice versa.
 *
 * The hash alone catches an edited field or swapped content but anyone can recompute it; with a
 * key the message is also signed. Algorithms: Ed25519 (`a=ed25519`) or ECDSA P-256 with SHA-256
 * in IEEE P1363 form (`a=es256`), both from node:crypto. `k` is the signer's SubjectPublicKeyInfo
 * (DER, base64url), so a verifier can check the signature alone and decide separately whether it
 * trusts that key (`trustedKeys`). SM3withSM2 (TC260-PG-202511A) is not offered: node:crypto has
 * the SM2 curve and SM3 but not the SM2 signature scheme (Z_A, its own equation), and adding a
 * pure-JS dependency for it is a separate decision; the `a=` tag leaves room for it.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, KeyObject } from 'node:crypto';
import { HeguiError } from '../engine/errors.js';
import type { AigcLabel } from './model.js';

export type SignatureAlgorithm = 'ed25519' | 'es256';

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly algorithm: SignatureAlgorithm;
  /** SubjectPublicKeyInfo DER, base64url — what goes into `k=`. */
  readonly publicKey: string;
  readonly keyId: string;
}

/** Where the visible label was drawn and how tall its text is, in pixels. */
export interface VisibleRecord {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly textHeight: number;
}

export interface IntegrityData {
  readonly hash: string;
  readonly visible?: VisibleRecord;
  readonly algorithm?: string;
  readonly publicKey?: string;
  readonly signature?: string;
}

export type IntegrityStatus =
  | 'absent' // the field is empty
  | 'foreign' // not hegui's format: nothing to check
  | 'malformed' // hegui's prefix, broken tokens
  | 'ok'
  | 'hash_mismatch'
  | 'signature_invalid'
  | 'untrusted_key';

export interface IntegrityCheck {
  readonly status: IntegrityStatus;
  readonly signed: boolean;
  readonly keyId?: string;
  readonly algorithm?: string;
  readonly visible?: VisibleRecord;
  readonly message: string;
}

const PREFIX = 'hegui1';

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

export function keyIdOf(spkiB64url: string): string {
  return createHash('sha256').update(Buffer.from(spkiB64url, 'base64url')).digest('hex').slice(0, 16);
}

/** Loads a PEM (or DER PKCS#8) private key; only Ed25519 and P-256 keys are accepted. */
export function loadSigningKey(key: string | Buffer | KeyObject, where = 'signing key'): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey =
      key instanceof KeyObject
        ? key
        : Buffer.isBuffer(key) && !key.subarray(0, 11).toString('latin1').startsWith('-----')
          ? createPrivateKey({ key, format: 'der', type: 'pkcs8' })
          : createPrivateKey(key);
  } catch (err) {
    throw new HeguiError('input_invalid', `not a private key: ${(err as Error).message}`, where, {
      cause: err,
    });
  }
  if (privateKey.type !== 'private') throw new HeguiError('input_invalid', 'expected a private key', where);
  let algorithm: SignatureAlgorithm;
  if (privateKey.asymmetricKeyType === 'ed25519') algorithm = 'ed25519';
  else if (
    privateKey.asymmetricKeyType === 'ec' &&
    privateKey.asymmetricKeyDetails?.namedCurve === 'prime256v1'
  ) {
    algorithm = 'es256';
  } else {
    throw new HeguiError(
      'input_invalid',
      `unsupported key type ${privateKey.asymmetricKeyType ?? '?'}: use Ed25519 or ECDSA P-256`,
      where,
    );
  }
  const publicKey = b64url(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }));
  return { privateKey, algorithm, publicKey, keyId: keyIdOf(publicKey) };
}

/** Loads a public key (PEM/DER SPKI, or a private key whose public half is meant) for `trustedKeys`. */
export function publicKeyId(key: string | Buffer | KeyObject, where = 'public key'): string {
  try {
    const object =
      key instanceof KeyObject
        ? key
        : Buffer.isBuffer(key) && !key.subarray(0, 11).toString('latin1').startsWith('-----')
          ? createPublicKey({ key, format: 'der', type: 'spki' })
          : createPublicKey(key);
    const pub = object.type === 'private' ? createPublicKey(object) : object;
    return keyIdOf(b64url(pub.export({ format: 'der', type: 'spki' })));
  } catch (err) {
    throw new HeguiError('input_invalid', `not a public key: ${(err as Error).message}`, where, {
      cause: err,
    });
  }
}

function visibleToken(v: VisibleRecord | undefined): string {
  return v ? `${v.x},${v.y},${v.width},${v.height},${v.textHeight}` : '';
}

function producerMessage(label: AigcLabel, visible: VisibleRecord | undefined, digest: Uint8Array): Buffer {
  return Buffer.from(
    [
      'hegui-aigc/1 producer',
      `Label=${label.Label}`,
      `ContentProducer=${label.ContentProducer}`,
      `ProduceID=${label.ProduceID}`,
      `v=${visibleToken(visible)}`,
      `content=sha256:${Buffer.from(digest).toString('hex')}`,
    ].join('\n'),
    'utf8',
  );
}

function propagatorMessage(label: AigcLabel, digest: Uint8Array): Buffer {
  return Buffer.from(
    [
      'hegui-aigc/1 propagator',
      `Label=${label.Label}`,
      `ContentProducer=${label.ContentProducer}`,
      `ProduceID=${label.ProduceID}`,
      `ReservedCode1=${label.ReservedCode1}`,
      `ContentPropagator=${label.ContentPropagator}`,
      `PropagateID=${label.PropagateID}`,
      `content=sha256:${Buffer.from(digest).toString('hex')}`,
    ].join('\n'),
    'utf8',
  );
}

function seal(message: Buffer, visible: VisibleRecord | undefined, key: SigningKey | undefined): string {
  const parts = [PREFIX, `h=${b64url(createHash('sha256').update(message).digest())}`];
  if (visible) parts.push(`v=${visibleToken(visible)}`);
  if (key) {
    const signed = Buffer.concat([message, Buffer.from(`\nk=${key.publicKey}`)]);
    const signature =
      key.algorithm === 'ed25519'
        ? sign(null, signed, key.privateKey)
        : sign('sha256', signed, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
    parts.push(`a=${key.algorithm}`, `k=${key.publicKey}`, `s=${b64url(signature)}`);
  }
  return parts.join(';');
}

/** `ReservedCode1` for a producer's label over content with the given digest. */
export function sealProducer(
  label: AigcLabel,
  digest: Uint8Array,
  options: { visible?: VisibleRecord; key?: SigningKey } = {},
): string {
  return seal(producerMessage(label, options.visible, digest), options.visible, options.key);
}

/** `ReservedCode2` for a propagator (after it filled `ContentPropagator` and `PropagateID`). */
export function sealPropagator(label: AigcLabel, digest: Uint8Array, key?: SigningKey): string {
  return seal(propagatorMessage(label, digest), undefined, key);
}

/** Parses hegui's token string; undefined when the field is not in hegui's format. */
export function parseIntegrity(field: string): IntegrityData | 'malformed' | undefined {
  const parts = field.split(';');
  if (parts[0] !== PREFIX) return undefined;
  const tokens = new Map<string, string>();
  for (const part of parts.slice(1)) {
    const eq = part.indexOf('=');
    if (eq <= 0 || tokens.has(part.slice(0, eq))) return 'malformed';
    tokens.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const hash = tokens.get('h');
  if (!hash || !/^[A-Za-z0-9_-]{43}$/.test(hash)) return 'malformed';
  let visible: VisibleRecord | undefined;
  const v = tokens.get('v');
  if (v !== undefined) {
    const nums = v.split(',').map((n) => (/^\d+$/.test(n) ? Number(n) : NaN));
    if (nums.length !== 5 || nums.some((n) => !Number.isSafeInteger(n))) return 'malformed';
    const [x, y, width, height, textHeight] = nums as [number, number, number, number, number];
    visible = { x, y, width, height, textHeight };
  }
  const a = tokens.get('a');
  const k = tokens.get('k');
  const s = tokens.get('s');
  if ((a === undefined) !== (k === undefined) || (a === undefined) !== (s === undefined)) return 'malformed';
  return {
    hash,
    ...(visible ? { visible } : {}),
    ...(a !== undefined ? { algorithm: a, publicKey: k, signature: s } : {}),
  };
}

function verifySignature(data: IntegrityData, msg: Buffer): boolean {
  try {
    const pub = createPublicKey({
      key: Buffer.from(data.publicKey ?? '', 'base64url'),
      format: 'der',
      type: 'spki',
    });
    const signed = Buffer.concat([msg, Buffer.from(`\nk=${data.publicKey}`)]);
    const sig = Buffer.from(data.signature ?? '', 'base64url');
    if (data.algorithm === 'ed25519' && pub.asymmetricKeyType === 'ed25519')
      return verify(null, signed, pub, sig);
    if (data.algorithm === 'es256' && pub.asymmetricKeyType === 'ec') {
      return verify('sha256', signed, { key: pub, dsaEncoding: 'ieee-p1363' }, sig);
    }
    return false;
  } catch {
    return false;
  }
}

function check(
  field: string,
  message: (visible: VisibleRecord | undefined) => Buffer,
  trustedKeys: readonly string[] | undefined,
): IntegrityCheck {
  if (field === '') return { status: 'absent', signed: false, message: 'no integrity data' };
  const data = parseIntegrity(field);
  if (data === undefined) {
    return { status: 'foreign', signed: false, message: 'integrity data in a format hegui does not check' };
  }
  if (data === 'malformed')
    return { status: 'malformed', signed: false, message: 'malformed hegui integrity data' };
  const base = { ...(data.visible ? { visible: data.visible } : {}) };
  const msg = message(data.visible);
  const hashOk = b64url(createHash('sha256').update(msg).digest()) === data.hash;
  if (data.signature === undefined || data.publicKey === undefined) {
    return hashOk
      ? { ...base, status: 'ok', signed: false, message: 'hash matches (unsigned)' }
      : {
          ...base,
          status: 'hash_mismatch',
          signed: false,
          message:
            'hash does not match the label fields and content (a field was edited or the content changed)',
        };
  }
  // Signed: the signature is the stronger statement, so it is checked first.
  const keyId = keyIdOf(data.publicKey);
  const signedInfo = { ...base, signed: true, keyId, algorithm: data.algorithm ?? '' };
  if (!verifySignature(data, msg)) {
    return {
      ...signedInfo,
      status: 'signature_invalid',
      message: `signature does not verify over the label fields and content (key ${keyId})`,
    };
  }
  if (!hashOk) {
    return { ...signedInfo, status: 'hash_mismatch', message: 'signature valid but the h= token was edited' };
  }
  if (trustedKeys && trustedKeys.length > 0 && !trustedKeys.includes(keyId)) {
    return {
      ...signedInfo,
      status: 'untrusted_key',
      message: `signed by key ${keyId}, which is not a trusted key`,
    };
  }
  return { ...signedInfo, status: 'ok', message: `signature valid (${data.algorithm}, key ${keyId})` };
}

export function checkProducer(
  label: AigcLabel,
  digest: Uint8Array,
  trustedKeys?: readonly string[],
): IntegrityCheck {
  return check(label.ReservedCode1, (v) => producerMessage(label, v, digest), trustedKeys);
}

export function checkPropagator(
  label: AigcLabel,
  digest: Uint8Array,
  trustedKeys?: readonly string[],
): IntegrityCheck {
  return check(label.ReservedCode2, () => propagatorMessage(label, digest), trustedKeys);
}
