// The engine's task pool on Web Workers (task-worker.ts), for the contribution worker.
import type { WorkerReply } from '../../../engine/pool/runner.js';
import { TaskPool, type PoolWorker } from '../../../engine/pool/task-pool.js';

/** The task worker's script, next to this bundle (scripts/build-web.ts builds both into one folder). */
const TASK_WORKER = new URL('./task-worker.js', import.meta.url);

export function browserTaskPool(threads: number): TaskPool {
  return new TaskPool(threads, (events): PoolWorker => {
    const worker = new Worker(TASK_WORKER, { type: 'module', name: 'ceremony-task' });
    worker.onmessage = (event: MessageEvent<WorkerReply>) => events.onReply(event.data);
    worker.onerror = (event) => events.onCrash(new Error(`task worker failed: ${event.message}`));
    return { post: (request) => worker.postMessage(request), terminate: () => worker.terminate() };
  });
}
