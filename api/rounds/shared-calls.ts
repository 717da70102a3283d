// One call per key at a time: a caller that finds the same call under way shares its outcome instead
// of making another (e.g. concurrent polls of one member that all see its liveness due send one
// heartbeat signal, not one each). It holds calls only while they are in flight, so it remembers
// nothing between requests: any replica still answers the same.
export class SharedCalls<T> {
  private readonly running = new Map<string, Promise<T>>();

  run(key: string, call: () => Promise<T>): Promise<T> {
    const found = this.running.get(key);
    if (found !== undefined) return found;
    const started = call().finally(() => {
      this.running.delete(key);
    });
    this.running.set(key, started);
    return started;
  }

  /** Calls in flight now (for tests). */
  get size(): number {
    return this.running.size;
  }
}
