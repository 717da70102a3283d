// Accumulates completed work and forwards it to the engine's progress listener.
import type { Engine } from '../context.js';

export class ProgressCounter {
  private done = 0;
  constructor(
    private readonly engine: Engine,
    private readonly phase: string,
    private readonly total: number,
  ) {
    engine.progress(phase, 0, total);
  }

  add(amount: number): void {
    this.done += amount;
    this.engine.progress(this.phase, Math.min(this.done, this.total), this.total);
  }
}
