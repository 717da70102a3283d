// Batches calls to one destination: at most `maxInFlight` batches are in flight (one by default),
// and a new one leaves at most every `spacingMs`, carrying every item that came meanwhile (up to
// `maxBatch`). Each caller gets the result for its own item, or the batch's error. With more than one
// in flight, batches may be taken in any order: only for destinations where order does not matter.

interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (err: unknown) => void;
}

export class Batcher<Item, Result> {
  private pending: Array<Waiting<Item, Result>> = [];
  private inFlight = 0;
  private lastSentAt = 0;
  private timer: NodeJS.Timeout | undefined;

  /** `send` must answer one result per item, in order. */
  constructor(
    private readonly send: (items: Item[]) => Promise<Result[]>,
    private readonly spacingMs: number,
    private readonly maxBatch: number,
    private readonly maxInFlight = 1,
  ) {
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new Error(`maxInFlight must be a positive integer, not ${maxInFlight}`);
  }

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.inFlight >= this.maxInFlight || this.timer !== undefined || this.pending.length === 0) return;
    // A timer even at 0 ms: whatever else arrives in this turn of the event loop goes along.
    const wait = Math.max(0, this.lastSentAt + this.spacingMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, wait);
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    this.inFlight += 1;
    this.lastSentAt = Date.now();
    try {
      const results = await this.send(batch.map((w) => w.item));
      if (results.length !== batch.length) throw new Error(`batch of ${batch.length} answered with ${results.length} results`);
      batch.forEach((w, i) => w.resolve(results[i] as Result));
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      this.inFlight -= 1;
      this.schedule();
    }
  }
}
