// The error answer every route gives: {code, message, details?}, the code one of common/errors.ts.
import { z } from 'zod';
import { errorCodes, httpStatusFor, type ErrorCode } from '../../common/errors.js';
import { named } from './registry.js';

const codes = Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]];

export const ErrorCodeSchema = named(
  'ErrorCode',
  z.enum(codes).meta({ 'x-http-status': Object.fromEntries(codes.map((c) => [c, httpStatusFor(c)])) }),
  `Stable error codes and their HTTP statuses: ${codes.map((c) => `${c} ${httpStatusFor(c)}`).join(', ')}.`,
);

export const ErrorBodySchema = named(
  'Error',
  z
    .object({
      code: ErrorCodeSchema,
      message: z.string().describe('human-readable explanation'),
      details: z.record(z.string(), z.unknown()).optional().describe('structured details (for example retryAfterSeconds, check, checks)'),
    })
    .strict(),
);
