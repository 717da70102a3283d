// Probes.
import { z } from 'zod';
import { named } from './registry.js';

export const HealthSchema = named('Health', z.object({ status: z.literal('ok') }));
export const ReadinessSchema = named('Readiness', z.object({ status: z.literal('ready'), checks: z.record(z.string(), z.string()).describe('per dependency (temporal, store): ok or the failure') }));
export type Health = z.infer<typeof HealthSchema>;
export type Readiness = z.infer<typeof ReadinessSchema>;
