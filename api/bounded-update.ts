// A workflow update whose wait is bounded. Without a deadline the client waits on the server for as
// long as the update takes, and an update the server lost (its registry is rebuilt when a workflow
// task times out on a busy worker) would hold the caller's HTTP request until it timed out. Here
// each attempt has an RPC deadline, and an attempt that runs out is sent again under the same update
// id: the server answers a known id with that update's own state or outcome, so the update is
// applied at most once, and a lost one is admitted again. When the whole budget is spent the
// caller gets TIMEOUT (504) and may ask again.
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateRPCTimeoutOrCancelledError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';

export interface UpdateBudget {
  /** The RPC deadline of one attempt. */
  attemptMs: number;
  /** All attempts together. */
  totalMs: number;
}

export const DEFAULT_UPDATE_BUDGET: UpdateBudget = { attemptMs: 10_000, totalMs: 40_000 };

/** Counts the attempts made under one update id (the tests read it). */
export interface UpdateAttempts {
  attempts: number;
}

export async function executeBoundedUpdate<Ret, Args extends [unknown, ...unknown[]]>(
  client: Client,
  handle: WorkflowHandle,
  def: UpdateDefinition<Ret, Args>,
  args: Args,
  budget: UpdateBudget = DEFAULT_UPDATE_BUDGET,
  counter?: UpdateAttempts,
): Promise<Ret> {
  const updateId = randomUUID();
  const giveUpAt = Date.now() + budget.totalMs;
  for (;;) {
    const deadline = Math.min(giveUpAt, Date.now() + budget.attemptMs);
    if (counter !== undefined) counter.attempts += 1;
    try {
      return await client.withDeadline(deadline, () => handle.executeUpdate(def, { args, updateId }));
    } catch (err) {
      if (!(err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) || Date.now() >= giveUpAt) throw err;
      // Cancelled before its deadline (the call, not the wait, failed): pause instead of spinning.
      if (Date.now() < deadline - 50) await new Promise((r) => setTimeout(r, Math.min(RESEND_PAUSE_MS, giveUpAt - Date.now())));
    }
  }
}

const RESEND_PAUSE_MS = 250;
