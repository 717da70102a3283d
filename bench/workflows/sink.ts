// A workflow for bench/temporal-messages.ts: it takes batches as signals or as updates and keeps the
// latest time per id, like a lobby shard without its timer; with `continueAsNew` set it continues as
// new whenever Temporal suggests it.
import { allHandlersFinished, condition, continueAsNew, defineSignal, defineUpdate, setHandler, workflowInfo } from '@temporalio/workflow';

export const batchSignal = defineSignal<[string[]]>('batch');
export const batchUpdate = defineUpdate<void, [string[]]>('batchUpdate');

export async function sinkWorkflow(options: { continueAsNew: boolean }): Promise<void> {
  const latest = new Map<string, number>();
  const take = (ids: string[]): void => {
    for (const id of ids) latest.set(id, Date.now());
  };
  setHandler(batchSignal, take);
  setHandler(batchUpdate, take);
  await condition(() => options.continueAsNew && workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await continueAsNew<typeof sinkWorkflow>(options);
}
