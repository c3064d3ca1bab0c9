/**
 * Service provider codes (TC260-PG-20252A 服务提供者编码规则) for `ContentProducer` and
 * `ContentPropagator`: 27 characters, digits and upper-case letters.
 *
 *   1–2    format code, fixed `00`
 *   3–22   subject ID: subject type `1` (organisation) + binding method `1` (bound to the unified
 *          social credit code) + the 18-character USCC, whose GB 32100 structure and check
 *          character are validated by the pii module
 *   23–27  service extension: `00000` when unused, otherwise position 23 is `1` (generation
 *          service) or `2` (propagation service) and 24–27 a model/app code the provider chooses
 */
import { HeguiError } from '../engine/errors.js';
import { isValidUscc } from '../engine/pii/index.js';

export type ServiceRole = 'generation' | 'propagation' | 'unspecified';

export interface ProviderCode {
  readonly code: string;
  /** The 18-character unified social credit code. */
  readonly uscc: string;
  /** Positions 23–27. */
  readonly extension: string;
  readonly role: ServiceRole;
}

export type ProviderCodeResult =
  { readonly ok: true; readonly value: ProviderCode } | { readonly ok: false; readonly reason: string };

/** Parses and validates a provider code; `reason` says what is wrong (first problem found). */
export function parseProviderCode(code: string): ProviderCodeResult {
  const fail = (reason: string): ProviderCodeResult => ({ ok: false, reason });
  if (code.length !== 27) return fail(`provider code must be 27 characters, got ${code.length}`);
  if (!/^[0-9A-Z]{27}$/.test(code)) return fail('provider code allows only digits and upper-case letters');
  if (!code.startsWith('00')) return fail(`format code (positions 1–2) must be 00, got ${code.slice(0, 2)}`);
  if (code.slice(2, 4) !== '11') {
    return fail(
      `subject type and binding (positions 3–4) must be 11 (organisation bound to its USCC), got ${code.slice(2, 4)}`,
    );
  }
  const uscc = code.slice(4, 22);
  if (!isValidUscc(uscc)) {
    return fail(`positions 5–22 (${uscc}) are not a valid unified social credit code (GB 32100)`);
  }
  const extension = code.slice(22);
  let role: ServiceRole;
  if (extension === '00000') role = 'unspecified';
  else if (extension[0] === '1') role = 'generation';
  else if (extension[0] === '2') role = 'propagation';
  else {
    return fail(
      `service extension (positions 23–27) must be 00000 or start with 1 (generation) or 2 (propagation), got ${extension}`,
    );
  }
  return { ok: true, value: { code, uscc, extension, role } };
}

export function isValidProviderCode(code: string): boolean {
  return parseProviderCode(code).ok;
}

/**
 * Validates a code for a role (`generation` for producers, `propagation` for platforms) and
 * throws `input_invalid` naming `where` otherwise. An unused extension (`00000`) fits either role.
 */
export function requireProviderCode(
  code: string,
  role: 'generation' | 'propagation',
  where: string,
): ProviderCode {
  const parsed = parseProviderCode(code);
  if (!parsed.ok) throw new HeguiError('input_invalid', parsed.reason, where);
  if (parsed.value.role !== 'unspecified' && parsed.value.role !== role) {
    throw new HeguiError(
      'input_invalid',
      `service extension ${parsed.value.extension} marks a ${parsed.value.role} service; a ${role} code starts it with ${role === 'generation' ? 1 : 2}`,
      where,
    );
  }
  return parsed.value;
}

/** Builds a code from a USCC and an extension (default `10000`: generation service, no app code). */
export function makeProviderCode(uscc: string, extension = '10000'): string {
  const code = `0011${uscc}${extension}`;
  const parsed = parseProviderCode(code);
  if (!parsed.ok) throw new HeguiError('input_invalid', parsed.reason);
  return code;
}
