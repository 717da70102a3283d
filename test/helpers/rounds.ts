// The real stack in rounds mode for a test file: these round settings (rate limits off) and an inline
// engine for the contributors the test runs.
import { createEngine, type Engine } from '../../engine/context.js';
import { startTestStack, type TestStack, type TestStackOptions } from './stack.js';

export interface RoundsTestStack {
  stack: TestStack;
  engine: Engine;
}

export async function startRoundsTestStack(rounds: Record<string, unknown>, options: TestStackOptions = {}): Promise<RoundsTestStack> {
  const stack = await startTestStack({ ceremony: { mode: 'rounds', rounds }, auth: { rateLimits: { enabled: false } } }, options);
  return { stack, engine: await createEngine({ threads: 0 }) };
}

/** Stops what started (either may be missing when the start failed). */
export async function stopRoundsTestStack(started: Partial<RoundsTestStack>): Promise<void> {
  await started.engine?.close();
  await started.stack?.stop();
}
