// A fixed-size pool of workers, each holding its own backend instance; tasks queue FIFO. Portable:
// the platform supplies the workers (worker_threads in Node, worker-pool.ts; Web Workers in
// browsers, web/src/engine/), each behind the small port below.
import { abortReason, type TaskRunner, type WorkerReply, type WorkerRequest } from './runner.js';
import type { ResultFor, Task } from './tasks.js';

/** One worker as the pool sees it. */
export interface PoolWorker {
  post(request: WorkerRequest): void;
  terminate(): Promise<unknown> | void;
  /** Keeps the process alive while the worker is busy (Node); absent where nothing needs it. */
  busy?(isBusy: boolean): void;
}

export interface PoolWorkerEvents {
  onReply(reply: WorkerReply): void;
  onCrash(err: Error): void;
}

/** Starts one worker that reports to `events`. */
export type SpawnWorker = (events: PoolWorkerEvents) => PoolWorker;

interface Pending {
  task: Task;
  resolve: (result: ResultFor<Task>) => void;
  reject: (err: Error) => void;
  signal: AbortSignal | undefined;
}

interface Slot {
  worker: PoolWorker;
  busy: Pending | undefined;
  requestId: number;
}

export class TaskPool implements TaskRunner {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  /** The abort signals this pool listens to (one listener each). */
  private readonly watched = new WeakSet<AbortSignal>();
  private nextId = 1;
  private closed = false;

  constructor(
    readonly parallelism: number,
    private readonly spawnWorker: SpawnWorker,
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
    for (const slot of this.slots) slot.busy?.reject(failure);
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const slot = this.idleSlot();
      if (slot === undefined) return;
      const pending = this.queue.shift() as Pending;
      slot.busy = pending;
      slot.requestId = this.nextId++;
      slot.worker.busy?.(true);
      slot.worker.post({ id: slot.requestId, task: pending.task });
    }
  }

  private idleSlot(): Slot | undefined {
    const idle = this.slots.find((slot) => slot.busy === undefined);
    if (idle !== undefined) return idle;
    if (this.slots.length < this.parallelism) return this.spawn();
    return undefined;
  }

  private spawn(): Slot {
    // Workers report asynchronously, after the slot below exists.
    const events: PoolWorkerEvents = {
      onReply: (reply) => this.onReply(slot, reply),
      onCrash: (err) => {
        if (!this.closed) this.onCrash(slot, err);
      },
    };
    const slot: Slot = { worker: this.spawnWorker(events), busy: undefined, requestId: 0 };
    this.slots.push(slot);
    return slot;
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    const pending = slot.busy;
    if (pending === undefined || reply.id !== slot.requestId) return;
    slot.busy = undefined;
    slot.worker.busy?.(false);
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
