// Progress of a command, on stderr (results go to stdout). On a terminal: a live line, a bar for work
// of known size (points computed, bytes moved) and a running clock for a wait. Elsewhere (a pipe, a
// log file): plain lines, each starting with an ISO 8601 timestamp, one at every tenth of a task of
// known size, one when a wait begins and one when it ends.
import type { ProgressListener } from '../engine/context.js';

export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** The engine's phases (engine/ops/*), as the progress names them. */
const ENGINE_PHASES: Readonly<Record<string, string>> = {
  contribute: 'contribute (every sub-ceremony)',
  verify: 'verify the contribution',
  witness: 'verify the chain of contributions',
  powers: 'verify the current powers',
  aggregate: 'aggregate',
};

const BAR_WIDTH = 24;
const REDRAW_MS = 100;

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

function amount(n: number, unit: string): string {
  return unit === 'bytes' ? formatBytes(n) : `${n}`;
}

export class Progress {
  private readonly tty: boolean;
  /** The live line is showing (terminal only). */
  private live = false;
  private lastDraw = 0;
  /** Per task (non-terminal): the last tenth reported. */
  private readonly tenths = new Map<string, number>();
  private waiting: { label: string; began: number; timer: NodeJS.Timeout | undefined } | undefined;

  /**
   * @param prefix put before every message, e.g. '[contributor]'; '' for none
   * @param sink stderr by default; a terminal gets the live line
   */
  constructor(
    private readonly prefix: string,
    private readonly sink: ProgressSink = process.stderr,
  ) {
    this.tty = sink.isTTY === true;
  }

  private line(text: string): string {
    const body = this.prefix === '' ? text : `${this.prefix} ${text}`;
    return this.tty ? body : `${new Date().toISOString()} ${body}`;
  }

  private clearLive(): void {
    if (this.live) {
      this.sink.write('\r\x1b[K');
      this.live = false;
    }
  }

  private drawLive(text: string): void {
    this.sink.write(`\r${this.line(text)}\x1b[K`);
    this.live = true;
  }

  /** A line of its own: what happens now, or what just happened. */
  say(message: string): void {
    this.endWait();
    this.clearLive();
    this.sink.write(`${this.line(message)}\n`);
  }

  /** Work of known size: `done` of `total` (unit 'points' or 'bytes'). */
  update(task: string, done: number, total: number, unit: string): void {
    this.endWait();
    const fraction = total <= 0 ? 1 : Math.min(1, done / total);
    const percent = Math.floor(100 * fraction);
    const text = `${task}: ${percent}% (${amount(done, unit)} of ${amount(total, unit)}${unit === 'bytes' ? '' : ` ${unit}`})`;
    if (this.tty) {
      const now = Date.now();
      const finished = done >= total;
      if (!finished && now - this.lastDraw < REDRAW_MS) return;
      this.lastDraw = now;
      const filled = Math.round(BAR_WIDTH * fraction);
      this.drawLive(`[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${text}`);
      if (finished) {
        this.sink.write('\n');
        this.live = false;
      }
      return;
    }
    const tenth = Math.floor(10 * fraction);
    if (this.tenths.get(task) === tenth) return;
    this.tenths.set(task, tenth);
    this.sink.write(`${this.line(text)}\n`);
  }

  /**
   * Work of unknown size (a download without a Content-Length): the amount so far, live on a terminal;
   * elsewhere a line at every `lineEvery` of it.
   */
  tally(task: string, done: number, unit: string, lineEvery = 16 * 1024 * 1024): void {
    this.endWait();
    const text = `${task}: ${amount(done, unit)}${unit === 'bytes' ? '' : ` ${unit}`} so far`;
    if (this.tty) {
      const now = Date.now();
      if (now - this.lastDraw < REDRAW_MS) return;
      this.lastDraw = now;
      this.drawLive(text);
      return;
    }
    const step = Math.floor(done / lineEvery);
    if (this.tenths.get(task) === step) return;
    this.tenths.set(task, step);
    if (step > 0) this.sink.write(`${this.line(text)}\n`);
  }

  /** The engine's progress (phase, points done, points in total), each phase named for a person. */
  engineListener(): ProgressListener {
    return ({ phase, done, total }) => this.update(ENGINE_PHASES[phase] ?? phase, done, total, 'points');
  }

  /** A wait of unknown length: a running clock on a terminal, a line when it begins and when it ends. */
  wait(label: string): void {
    this.endWait();
    this.clearLive();
    const began = Date.now();
    if (this.tty) {
      const draw = (): void => this.drawLive(`${label} (${Math.round((Date.now() - began) / 1000)} s)`);
      draw();
      const timer = setInterval(draw, 1000);
      timer.unref();
      this.waiting = { label, began, timer };
    } else {
      this.sink.write(`${this.line(`${label}…`)}\n`);
      this.waiting = { label, began, timer: undefined };
    }
  }

  /** Ends the wait in progress, if any, saying how long it took. */
  endWait(): void {
    const w = this.waiting;
    if (w === undefined) return;
    this.waiting = undefined;
    if (w.timer !== undefined) clearInterval(w.timer);
    this.clearLive();
    this.sink.write(`${this.line(`${w.label}: done after ${((Date.now() - w.began) / 1000).toFixed(1)} s`)}\n`);
  }

  /** Leaves the terminal on a fresh line. */
  finish(): void {
    this.endWait();
    this.clearLive();
  }
}
