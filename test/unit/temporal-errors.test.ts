// How failures from Temporal reach a client (#13): a refusal of the workflow keeps its code; an update
// that failed without one (a worker restarted under it) is a retryable 503 with its cause kept for the
// log, never a 500 the clients would not retry.
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { expect, it } from 'vitest';
import { translateTemporalError } from '../../api/temporal-errors.js';
import { CeremonyError, httpStatusFor } from '../../common/errors.js';

const notFound = () => new CeremonyError('NOT_FOUND', 'none');

it('keeps the code of a refusal by the workflow', () => {
  const refused = new WorkflowUpdateFailedError('update failed', ApplicationFailure.create({ type: 'NOT_YOUR_TURN', message: 'not yours', nonRetryable: true }));
  expect(translateTemporalError(refused, notFound)).toMatchObject({ code: 'NOT_YOUR_TURN', message: 'not yours' });
});

it('answers an update that failed without a refusal with a retryable 503, keeping the cause', () => {
  const failed = new WorkflowUpdateFailedError('update failed', new Error('workflow task failed'));
  const err = translateTemporalError(failed, notFound);
  expect(err.code).toBe('TEMPORAL_UNAVAILABLE');
  expect(httpStatusFor(err.code)).toBe(503);
  expect(err.cause).toBe(failed);
});
