// Development login: anyone may claim a name, so it is off unless auth.dev.enabled is true.
import { CeremonyError } from '../../common/errors.js';

const NAME = /^[a-z0-9](?:[a-z0-9._-]{0,38}[a-z0-9])?$/;

/** `dev|<name>` for a name of 1-40 lowercase letters, digits, '.', '_' or '-' (not at either end). */
export function devIdentity(name: string, enabled: boolean): string {
  if (!enabled) throw new CeremonyError('FORBIDDEN', 'dev login is disabled on this coordinator (auth.dev.enabled is false)');
  if (!NAME.test(name)) {
    throw new CeremonyError('VALIDATION_FAILED', 'name must be 1-40 lowercase letters, digits, ".", "_" or "-", starting and ending with a letter or digit');
  }
  return `dev|${name}`;
}
