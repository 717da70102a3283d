// Failures of the chunked format: engine InvalidInputErrors (same stable codes, same
// CLI/API mapping) that also name the chunk. `pointIndex` is the index inside the
// list named by `path` (e.g. `$.g1Powers[5]` is point 5 of the chunk, global
// power start + 5); messages give the global power index too.
import type { PointFailure } from '../curve/backend.js';
import { InvalidInputError, type InvalidInputDetails, type InputErrorCode, type InputRole } from '../errors.js';

export interface ChunkErrorDetails extends InvalidInputDetails {
  /** Index of the chunk (0-based) the failure is in, when there is one. */
  chunkIndex?: number;
}

export class ChunkError extends InvalidInputError {
  readonly chunkIndex: number | undefined;

  constructor(code: InputErrorCode, message: string, details: ChunkErrorDetails = {}) {
    super(code, message, details);
    this.name = 'ChunkError';
    this.chunkIndex = details.chunkIndex;
  }

  override withInput(input: InputRole): ChunkError {
    if (this.input !== undefined) return this;
    return new ChunkError(this.code, this.message, {
      chunkIndex: this.chunkIndex,
      pointIndex: this.pointIndex,
      path: this.path,
      subCeremony: this.subCeremony,
      input,
    });
  }

  override toJSON(): Record<string, string | number> {
    const out = super.toJSON();
    if (this.chunkIndex !== undefined) out.chunk = this.chunkIndex;
    return out;
  }
}

/** Re-labels any engine failure as a ChunkError of `chunkIndex` and `input` (keeps its code and path). */
export function toChunkError(err: unknown, chunkIndex: number | undefined, input: InputRole): unknown {
  if (err instanceof ChunkError) {
    if (err.chunkIndex !== undefined || chunkIndex === undefined) return err.withInput(input);
    return new ChunkError(err.code, err.message, { chunkIndex, pointIndex: err.pointIndex, path: err.path, input: err.input ?? input });
  }
  if (err instanceof InvalidInputError) {
    const where = chunkIndex === undefined ? '' : `chunk ${chunkIndex}: `;
    return new ChunkError(err.code, where + err.message, { chunkIndex, pointIndex: err.pointIndex, path: err.path, input: err.input ?? input });
  }
  return err;
}

const REASON_TEXT: Record<PointFailure['reason'], string> = {
  INVALID_POINT: 'is not a valid compressed point on the curve',
  NOT_IN_SUBGROUP: 'is not in the prime-order subgroup',
};

/** A point failure of the list at `path` (e.g. `$.g1Powers`), `index` inside that list. */
export function chunkPointError(failure: PointFailure, chunkIndex: number, input: InputRole, what: string, path: string, index: number | undefined): ChunkError {
  const where = index === undefined ? what : `${what} ${index}`;
  return new ChunkError(failure.reason, `chunk ${chunkIndex}: ${where} ${REASON_TEXT[failure.reason]} (${failure.detail})`, {
    chunkIndex,
    pointIndex: index,
    input,
    path: index === undefined ? path : `${path}[${index}]`,
  });
}
