// The task pool on Node's worker_threads. An idle worker is unref'd so it never keeps the process
// alive.
import { Worker } from 'node:worker_threads';
import type { BackendName } from '../curve/backend.js';
import type { WorkerInit, WorkerReply } from './runner.js';
import { TaskPool, type PoolWorker } from './task-pool.js';

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

export class WorkerPool extends TaskPool {
  constructor(parallelism: number, backend: BackendName) {
    super(parallelism, (events): PoolWorker => {
      const init: WorkerInit = { backend };
      const worker = new Worker(ENTRY, { workerData: init });
      worker.on('message', (reply: WorkerReply) => events.onReply(reply));
      worker.on('error', (err) => events.onCrash(err));
      worker.on('exit', (code) => events.onCrash(new Error(`worker exited with code ${code}`)));
      return {
        post: (request) => worker.postMessage(request),
        terminate: () => worker.terminate(),
        busy: (isBusy) => (isBusy ? worker.ref() : worker.unref()),
      };
    });
  }
}
