// One engine (worker-thread pool) per activity worker process, created on first use.
import { createEngine, type Engine } from '../engine/context.js';

let shared: Promise<Engine> | undefined;

export function sharedEngine(): Promise<Engine> {
  shared ??= createEngine({ backend: 'fast' });
  return shared;
}

export async function closeSharedEngine(): Promise<void> {
  const engine = shared;
  shared = undefined;
  if (engine !== undefined) await (await engine).close();
}
