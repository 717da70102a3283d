// Single use of login nonces across API replicas (see workflows/auth/login-nonce.ts). A nonce is
// spent once its login has passed every other check, just before the session token is issued.
import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Config } from '../../common/config.js';
import { CeremonyError } from '../../common/errors.js';
import { spentLoginNonceWorkflow, spentNonceWorkflowId } from '../../workflows/auth/login-nonce.js';
import { translateTemporalError } from '../temporal-errors.js';

/** After its expiry, a spent nonce's workflow times out by itself even if no worker ever ran it. */
const EXPIRY_MARGIN_MS = 60_000;

export interface NonceLedger {
  /** Marks the nonce spent; false when it was already spent (by any replica). */
  spend(nonce: string, expiresAt: number): Promise<boolean>;
}

export class TemporalNonceLedger implements NonceLedger {
  private readonly taskQueue: string;

  constructor(
    private readonly client: Client,
    cfg: Config,
  ) {
    this.taskQueue = cfg.temporal.taskQueues.workflows;
  }

  async spend(nonce: string, expiresAt: number): Promise<boolean> {
    const workflowId = spentNonceWorkflowId(createHash('sha256').update(nonce).digest('hex'));
    try {
      await this.client.workflow.start(spentLoginNonceWorkflow, {
        workflowId,
        taskQueue: this.taskQueue,
        args: [{ expiresAt }],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        workflowExecutionTimeout: Math.max(1_000, expiresAt - Date.now()) + EXPIRY_MARGIN_MS,
      });
      return true;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw translateTemporalError(err, () => new CeremonyError('TEMPORAL_UNAVAILABLE', 'the login nonce could not be recorded'));
    }
  }
}
