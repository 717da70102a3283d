import { CeremonyError } from '../common/errors.js';
import { isValidKey, isValidPrefix } from './object-store.js';

export function assertPrefix(prefix: string): void {
  if (!isValidPrefix(prefix)) throw new CeremonyError('BAD_REQUEST', `invalid object prefix ${JSON.stringify(prefix)}`);
}

export function assertKey(key: string): void {
  if (!isValidKey(key)) throw new CeremonyError('NOT_FOUND', `invalid object key ${JSON.stringify(key)}`);
}
