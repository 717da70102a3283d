// A workflow's refusal of a message (an update validator or handler that throws), typed by the API's
// error vocabulary (common/errors.ts): the API answers with the failure's type as its code
// (api/temporal-errors.ts), never by reading the message. Not retryable: a refusal is an answer.
import { ApplicationFailure } from '@temporalio/workflow';
import type { ErrorCode } from '../common/errors.js';

export function rejection(code: ErrorCode, message: string, details?: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message, nonRetryable: true, details: details === undefined ? [] : [details] });
}
