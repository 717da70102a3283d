// Lines typed (or piped) into a stream, one at a time, on demand: what a pasted signature is read from.
import { createInterface } from 'node:readline';

export interface LineReader {
  /** The next line, without its end; undefined once the input has ended. */
  next(): Promise<string | undefined>;
  close(): void;
}

export function lineReader(input: NodeJS.ReadableStream): LineReader {
  const lines: string[] = [];
  const waiting: Array<(line: string | undefined) => void> = [];
  let ended = false;
  const rl = createInterface({ input, terminal: false });
  rl.on('line', (line) => {
    const waiter = waiting.shift();
    if (waiter !== undefined) waiter(line);
    else lines.push(line);
  });
  rl.on('close', () => {
    ended = true;
    for (const waiter of waiting.splice(0)) waiter(undefined);
  });
  return {
    next() {
      const line = lines.shift();
      if (line !== undefined) return Promise.resolve(line);
      if (ended) return Promise.resolve(undefined);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close() {
      rl.close();
    },
  };
}
