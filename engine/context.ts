// The engine context: one backend on the calling thread, a task runner (worker
// pool or inline), input limits and a progress listener. Create one per process
// (or per activity worker) and close it when done.
import { availableParallelism } from 'node:os';
import type { BackendName, CurveBackend } from './curve/backend.js';
import { defaultBackend, loadBackend } from './curve/load-backend.js';
import { resolveLimits, type InputLimits } from './limits.js';
import { InlineRunner, type TaskRunner } from './pool/runner.js';
import { WorkerPool } from './pool/worker-pool.js';

export interface Progress {
  /** What is running, e.g. 'verify', 'contribute'. */
  phase: string;
  /** Points processed so far and in total. */
  done: number;
  total: number;
}

export type ProgressListener = (progress: Progress) => void;

export interface EngineOptions {
  /** 'fast' (blst + mcl-wasm; the default where blst loads), 'wasm' (mcl-wasm alone, as in a browser; the default otherwise) or 'noble' (reference). */
  backend?: BackendName;
  /** Worker threads; 0 runs everything on the calling thread. Default: available cores. */
  threads?: number;
  limits?: Partial<InputLimits>;
  onProgress?: ProgressListener;
}

export interface Engine {
  readonly backend: CurveBackend;
  readonly runner: TaskRunner;
  readonly limits: InputLimits;
  progress(phase: string, done: number, total: number): void;
  close(): Promise<void>;
}

export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const name = options.backend ?? (await defaultBackend());
  const backend = await loadBackend(name);
  const threads = options.threads ?? availableParallelism();
  const runner: TaskRunner = threads > 0 ? new WorkerPool(threads, name) : new InlineRunner(backend);
  const listener = options.onProgress;
  return {
    backend,
    runner,
    limits: resolveLimits(options.limits),
    progress(phase, done, total) {
      listener?.({ phase, done, total });
    },
    close: () => runner.close(),
  };
}
