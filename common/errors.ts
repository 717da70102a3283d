// Typed errors with stable codes. The API maps a code to an HTTP status in one place (httpStatusFor).

export const errorCodes = {
  // request shape
  BAD_REQUEST: 400,
  MALFORMED_JSON: 400,
  VALIDATION_FAILED: 400,
  WRONG_CONTRIBUTION_SIZE: 400,
  PAYLOAD_TOO_LARGE: 413,
  REQUEST_TIMEOUT: 408,
  LENGTH_REQUIRED: 411,
  UNSUPPORTED_MEDIA_TYPE: 415,
  METHOD_NOT_ALLOWED: 405,
  HEADERS_TOO_LARGE: 431,
  // identity
  UNAUTHENTICATED: 401,
  INVALID_TOKEN: 401,
  TOKEN_EXPIRED: 401,
  LOGIN_REJECTED: 401,
  FORBIDDEN: 403,
  ROLE_CONFLICT: 403,
  BANNED: 403,
  ALREADY_CONTRIBUTED: 409,
  // ceremony flow
  NOT_FOUND: 404,
  UNKNOWN_IDENTITY: 404,
  NOT_YOUR_TURN: 409,
  NOT_IN_QUEUE: 409,
  ALREADY_IN_QUEUE: 409,
  START_WINDOW_MISSED: 409,
  DEADLINE_MISSED: 409,
  NO_CONTRIBUTION_IN_PROGRESS: 409,
  CONTRIBUTION_ALREADY_COMPLETED: 409,
  PENALTY_ACTIVE: 409,
  CEREMONY_CLOSED: 409,
  CEREMONY_PAUSED: 409,
  INVALID_CONTRIBUTION: 422,
  ROUND_RESTARTING: 409,
  STALE_TASK: 409,
  NOT_IN_ROUND: 409,
  NO_ROUND_RUNNING: 409,
  // a phase change out of order (finalise before close, a second announcement, ...)
  PHASE_CONFLICT: 409,
  // limits and infrastructure
  RATE_LIMITED: 429,
  // the client went away before the answer (nginx's 499): logged and counted as the client's doing,
  // never as a failure of the store or of Temporal; nobody receives this answer
  CLIENT_CLOSED: 499,
  INTERNAL: 500,
  UPSTREAM_UNAVAILABLE: 502,
  TEMPORAL_UNAVAILABLE: 503,
  STORE_UNAVAILABLE: 503,
  NOT_READY: 503,
  OVERLOADED: 503,
  TIMEOUT: 504,
} as const;

export type ErrorCode = keyof typeof errorCodes;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCodes, value);
}

export function httpStatusFor(code: ErrorCode): number {
  return errorCodes[code];
}

export interface ErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** A failure the caller can act on: a stable code, a human message, optional structured details. */
export class CeremonyError extends Error {
  override readonly name = 'CeremonyError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get status(): number {
    return httpStatusFor(this.code);
  }

  toBody(): ErrorBody {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }
}
