/**
 * Identity of an end user inside the ladder. The gateway passes a pseudonymous user id (a keyed hash)
 * and the tenant; both are encoded so no id can forge another's key.
 */
import { HeguiError } from '../../engine/errors.js';

/**
 * `tenant:user`, each part URI-encoded; a null tenant is the empty string and a tenant is prefixed with
 * `t`, so `null` and `""` stay distinct. The result never contains `{`, `}` or `:` from the ids.
 */
export function userId(tenant: string | null, user: string): string {
  if (typeof user !== 'string' || user === '') {
    throw new HeguiError('input_invalid', 'the end-user id must be a non-empty string', 'strikes.user');
  }
  if (tenant !== null && typeof tenant !== 'string') {
    throw new HeguiError('input_invalid', 'the tenant must be a string or null', 'strikes.tenant');
  }
  const t = tenant === null ? '' : `t${encodeURIComponent(tenant)}`;
  return `${t}:${encodeURIComponent(user)}`;
}
