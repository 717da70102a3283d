// A minimal workflow that proves the stack end to end: a workflow task, a timer, and an activity on
// the verification task queue that reads a stored object back and hashes it.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { SmokeActivities } from '../activities/smoke.js';

export interface SmokeInput {
  objectKey: string;
  verificationTaskQueue: string;
}

export interface SmokeResult {
  sha256: string;
  size: number;
}

export async function smokeWorkflow(input: SmokeInput): Promise<SmokeResult> {
  const { hashStoredObject } = proxyActivities<SmokeActivities>({
    taskQueue: input.verificationTaskQueue,
    startToCloseTimeout: '30 seconds',
    retry: { maximumAttempts: 3 },
  });
  await sleep('10 milliseconds');
  return hashStoredObject(input.objectKey);
}
