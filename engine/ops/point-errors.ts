// Turning point-level failures into InvalidInputErrors that name the check, the
// sub-ceremony and the point.
import type { PointFailure } from '../curve/backend.js';
import { InvalidInputError, type InputRole } from '../errors.js';

const REASON_TEXT: Record<PointFailure['reason'], string> = {
  INVALID_POINT: 'is not a valid compressed point on the curve',
  NOT_IN_SUBGROUP: 'is not in the prime-order subgroup',
};

/** `what` names the point list, e.g. 'G1 power' or 'running product'. */
export function pointError(failure: PointFailure, what: string, subCeremony: number, input: InputRole, pointIndex: number | undefined = failure.index): InvalidInputError {
  const where = pointIndex === undefined ? what : `${what} ${pointIndex}`;
  return new InvalidInputError(failure.reason, `sub-ceremony ${subCeremony}: ${where} ${REASON_TEXT[failure.reason]} (${failure.detail})`, {
    subCeremony,
    pointIndex,
    input,
  });
}
