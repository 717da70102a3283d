// Body of a pool worker: loads its backend once, then runs tasks in order.
import { parentPort, workerData } from 'node:worker_threads';
import { loadBackend } from '../curve/load-backend.js';
import { executeTask } from './execute-task.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './runner.js';
import { transferablesOf } from './transferables.js';

const init = workerData as WorkerInit;
const port = parentPort;
if (port === null) throw new Error('worker-main must run in a worker thread');
const backendReady = loadBackend(init.backend);

port.on('message', (request: WorkerRequest) => {
  backendReady
    .then((backend) => {
      const result = executeTask(backend, request.task);
      const reply: WorkerReply = { id: request.id, ok: true, result };
      port.postMessage(reply, transferablesOf(result));
    })
    .catch((err: unknown) => {
      const reply: WorkerReply = { id: request.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
      port.postMessage(reply);
    });
});
