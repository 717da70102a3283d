// Where tasks run: inline on the calling thread, or on a worker_threads pool.
import type { BackendName, CurveBackend } from '../curve/backend.js';
import { executeTask } from './execute-task.js';
import type { ResultFor, Task } from './tasks.js';

export interface TaskRunner {
  /** How many tasks can make progress at once. */
  readonly parallelism: number;
  /**
   * Runs one task. With a `signal`, a task not yet begun when the signal aborts is never begun: its
   * promise rejects with the signal's reason (a task already running finishes; its result is dropped).
   */
  run<T extends Task>(task: T, signal?: AbortSignal): Promise<ResultFor<T>>;
  close(): Promise<void>;
}

/** The reason to give for an aborted signal, as an Error. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('the computation was aborted', 'AbortError');
}

export interface WorkerRequest {
  id: number;
  task: Task;
}

export type WorkerReply = { id: number; ok: true; result: ResultFor<Task> } | { id: number; ok: false; error: string };

export interface WorkerInit {
  backend: BackendName;
}

/** Runs tasks on the current thread (tests, tiny inputs, or threads = 0). */
export class InlineRunner implements TaskRunner {
  readonly parallelism = 1;
  constructor(private readonly backend: CurveBackend) {}

  run<T extends Task>(task: T, signal?: AbortSignal): Promise<ResultFor<T>> {
    return new Promise((resolve, reject) => {
      // Yield first so progress output and timers keep running between tasks.
      setImmediate(() => {
        if (signal?.aborted === true) {
          reject(abortReason(signal));
          return;
        }
        try {
          resolve(executeTask(this.backend, task) as ResultFor<T>);
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
  }

  async close(): Promise<void> {}
}
