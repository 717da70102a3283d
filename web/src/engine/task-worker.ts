// A task worker: the engine's units of heavy work (engine/pool/tasks.ts) on the wasm backend, one
// at a time, for the contribution worker's pool.
import { createWasmBackend } from '../../../engine/curve/wasm-backend.js';
import { executeTask } from '../../../engine/pool/execute-task.js';
import type { WorkerReply, WorkerRequest } from '../../../engine/pool/runner.js';
import { transferablesOf } from '../../../engine/pool/transferables.js';
import type { WorkerScope } from './messages.js';

const scope = self as unknown as WorkerScope<WorkerRequest, WorkerReply>;
const backend = createWasmBackend();

scope.onmessage = (event) => {
  const request = event.data;
  backend
    .then((ready) => {
      const result = executeTask(ready, request.task);
      scope.postMessage({ id: request.id, ok: true, result }, transferablesOf(result));
    })
    .catch((err: unknown) => scope.postMessage({ id: request.id, ok: false, error: err instanceof Error ? err.message : String(err) }));
};
