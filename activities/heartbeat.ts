// Heartbeats while long work runs off the event loop, so Temporal sees the activity alive.
import { Context } from '@temporalio/activity';

export async function withHeartbeat<T>(work: () => Promise<T>, everyMs = 5_000): Promise<T> {
  let context: Context | undefined;
  try {
    context = Context.current();
  } catch {
    context = undefined;
  }
  const timer = context === undefined ? undefined : setInterval(() => context.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    if (timer !== undefined) clearInterval(timer);
  }
}
