// Turns failures that come back from Temporal into CeremonyErrors with stable codes.
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { ServiceError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { CeremonyError, isErrorCode } from '../common/errors.js';

function applicationFailureOf(err: unknown): ApplicationFailure | undefined {
  let cursor: unknown = err;
  for (let depth = 0; depth < 5 && cursor instanceof Error; depth += 1) {
    if (cursor instanceof ApplicationFailure) return cursor;
    cursor = (cursor as { cause?: unknown }).cause;
  }
  return undefined;
}

export function translateTemporalError(err: unknown, notFound: () => CeremonyError): CeremonyError {
  if (err instanceof CeremonyError) return err;
  const failure = applicationFailureOf(err);
  if (failure !== undefined && isErrorCode(failure.type)) {
    const detail = failure.details?.[0];
    const details = typeof detail === 'object' && detail !== null ? (detail as Record<string, unknown>) : undefined;
    return new CeremonyError(failure.type, failure.message, details, { cause: failure });
  }
  if (err instanceof WorkflowNotFoundError) return notFound();
  // Failed without a refusal of the workflow's own (e.g. a worker restarted under it): the request was
  // not taken, and asking again is safe. Retryable, with the cause kept for the log.
  if (err instanceof WorkflowUpdateFailedError) return new CeremonyError('TEMPORAL_UNAVAILABLE', 'the ceremony could not take the request just now; retry', undefined, { cause: err });
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return new CeremonyError('TIMEOUT', 'the ceremony did not answer in time; retry');
  if (err instanceof ServiceError) return new CeremonyError('TEMPORAL_UNAVAILABLE', `Temporal: ${err.message}`);
  return new CeremonyError('INTERNAL', 'internal error', undefined, { cause: err });
}

/** True when the workflow itself refused the call (a validator or handler failure with a known code). */
export function refusedByWorkflow(err: unknown): boolean {
  return err instanceof CeremonyError && err.cause instanceof ApplicationFailure;
}

/**
 * An update the server aborted because the workflow run closed under it (continue-as-new): it was
 * never applied, and the next run takes it.
 */
function abortedByNewRun(err: unknown): boolean {
  if (!(err instanceof ServiceError || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)) return false;
  const text = `${err.message} ${String((err as { cause?: unknown }).cause ?? '')}`;
  return /update was aborted|Workflow Update failed|workflow is closing|continued as new/i.test(text);
}

/** Runs a Temporal call, translating whatever it throws; retries an update aborted by a new run. */
export async function viaTemporal<T>(call: () => Promise<T>, notFound: () => CeremonyError): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (err) {
      if (attempt < 5 && abortedByNewRun(err)) {
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
        continue;
      }
      throw translateTemporalError(err, notFound);
    }
  }
}
