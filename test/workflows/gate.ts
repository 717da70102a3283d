// A workflow for test/api/bounded-update.test.ts: its update waits until the gate is opened by a
// signal, and it counts how many times the update handler ran.
import { condition, defineQuery, defineSignal, defineUpdate, setHandler } from '@temporalio/workflow';

export const passUpdate = defineUpdate<string, [string]>('pass');
export const openSignal = defineSignal('open');
export const handledQuery = defineQuery<number>('handled');

export async function gateWorkflow(): Promise<void> {
  let open = false;
  let handled = 0;
  setHandler(openSignal, () => {
    open = true;
  });
  setHandler(handledQuery, () => handled);
  setHandler(passUpdate, async (who) => {
    handled += 1;
    await condition(() => open);
    return `passed ${who}`;
  });
  await condition(() => false);
}
