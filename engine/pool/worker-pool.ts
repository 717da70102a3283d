// A fixed-size pool of worker threads, each holding its own backend instance.
// Tasks queue FIFO; an idle worker is unref'd so it never keeps the process alive.
import { Worker } from 'node:worker_threads';
import type { BackendName } from '../curve/backend.js';
import { abortReason, type TaskRunner, type WorkerInit, type WorkerReply, type WorkerRequest } from './runner.js';
import type { ResultFor, Task } from './tasks.js';

interface Pending {
  task: Task;
  resolve: (result: ResultFor<Task>) => void;
  reject: (err: Error) => void;
  signal: AbortSignal | undefined;
}

interface Slot {
  worker: Worker;
  busy: Pending | undefined;
  requestId: number;
}

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

export class WorkerPool implements TaskRunner {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  /** The abort signals this pool listens to (one listener each). */
  private readonly watched = new WeakSet<AbortSignal>();
  private nextId = 1;
  private closed = false;

  constructor(
    readonly parallelism: number,
    private readonly backend: BackendName,
  ) {
    if (!Number.isInteger(parallelism) || parallelism < 1) throw new RangeError('a worker pool needs at least one thread');
  }

  run<T extends Task>(task: T, signal?: AbortSignal): Promise<ResultFor<T>> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    if (signal?.aborted === true) return Promise.reject(abortReason(signal));
    return new Promise<ResultFor<T>>((resolve, reject) => {
      if (signal !== undefined && !this.watched.has(signal)) {
        // One listener per signal: when it aborts, its queued tasks leave the queue at once (a task a
        // worker already runs finishes there).
        this.watched.add(signal);
        signal.addEventListener('abort', () => this.dropAborted(signal), { once: true });
      }
      this.queue.push({ task, resolve: resolve as (result: ResultFor<Task>) => void, reject, signal });
      this.pump();
    });
  }

  private dropAborted(signal: AbortSignal): void {
    const reason = abortReason(signal);
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const pending = this.queue[i] as Pending;
      if (pending.signal !== signal) continue;
      this.queue.splice(i, 1);
      pending.reject(reason);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const failure = new Error('worker pool closed');
    for (const pending of this.queue.splice(0)) pending.reject(failure);
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const slot = this.idleSlot();
      if (slot === undefined) return;
      const pending = this.queue.shift() as Pending;
      slot.busy = pending;
      slot.requestId = this.nextId++;
      slot.worker.ref();
      const request: WorkerRequest = { id: slot.requestId, task: pending.task };
      slot.worker.postMessage(request);
    }
  }

  private idleSlot(): Slot | undefined {
    const idle = this.slots.find((slot) => slot.busy === undefined);
    if (idle !== undefined) return idle;
    if (this.slots.length < this.parallelism) return this.spawn();
    return undefined;
  }

  private spawn(): Slot {
    const init: WorkerInit = { backend: this.backend };
    const worker = new Worker(ENTRY, { workerData: init });
    const slot: Slot = { worker, busy: undefined, requestId: 0 };
    worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
    worker.on('error', (err) => this.onCrash(slot, err));
    worker.on('exit', (code) => {
      if (!this.closed) this.onCrash(slot, new Error(`worker exited with code ${code}`));
    });
    this.slots.push(slot);
    return slot;
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    const pending = slot.busy;
    if (pending === undefined || reply.id !== slot.requestId) return;
    slot.busy = undefined;
    slot.worker.unref();
    if (reply.ok) pending.resolve(reply.result);
    else pending.reject(new Error(`worker task failed: ${reply.error}`));
    this.pump();
  }

  private onCrash(slot: Slot, err: Error): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    void slot.worker.terminate();
    slot.busy?.reject(err);
    slot.busy = undefined;
    this.pump();
  }
}
