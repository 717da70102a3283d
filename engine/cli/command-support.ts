// Shared plumbing of the engine's CLI subcommands: argument parsing, the exit
// code contract (0 valid/done, 1 invalid input with one JSON line on stdout,
// 2 usage or I/O error on stderr), engine creation and TTY progress.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createEngine, type Engine, type ProgressListener } from '../context.js';
import { BACKEND_NAMES } from '../curve/backend.js';
import { isBackendName } from '../curve/load-backend.js';
import { InvalidInputError } from '../errors.js';

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

/** Thrown for bad flags or arguments; reported on stderr with exit code 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `--name value` as `--name=value` for every string option: a value may begin with '-' (a key
 * fingerprint is base64url, so about one in 32 does), which node's parser would otherwise refuse as
 * ambiguous. A string option always takes the next argument as its value.
 */
function joinStringValues(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    const next = argv[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && next !== '--') {
      out.push(`${arg}=${next}`);
      i += 1;
    } else {
      out.push(arg);
    }
  }
  return out;
}

export function parseCommandArgs<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: joinStringValues(argv, options), options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

export function requireOption(value: string | boolean | undefined, flag: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`missing required option ${flag}`);
  return value;
}

export function printValid(summary: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ valid: true, ...summary }) + '\n');
}

export function printInvalid(err: InvalidInputError): void {
  process.stdout.write(JSON.stringify({ valid: false, ...err.toJSON() }) + '\n');
}

/** Maps a failure of a command to its exit code, printing it where it belongs. */
export function reportFailure(command: string, err: unknown): number {
  if (err instanceof InvalidInputError) {
    printInvalid(err);
    return EXIT_INVALID;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`ceremony ${command}: ${message}\n`);
  if (err instanceof UsageError) process.stderr.write(`run 'ceremony ${command} --help' for usage\n`);
  return EXIT_USAGE;
}

/** Runs a command body with the exit-code contract applied. */
export async function runCommand(command: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    return reportFailure(command, err);
  }
}

/** A progress line on stderr, only when stderr is a terminal. */
export function ttyProgress(): { listener: ProgressListener | undefined; finish: () => void } {
  if (!process.stderr.isTTY) return { listener: undefined, finish: () => {} };
  let last = 0;
  let shown = false;
  const listener: ProgressListener = ({ phase, done, total }) => {
    const now = Date.now();
    if (done < total && now - last < 100) return;
    last = now;
    shown = true;
    const percent = total === 0 ? 100 : Math.floor((100 * done) / total);
    process.stderr.write(`\r${phase}: ${percent}% (${done}/${total} points)\x1b[K`);
  };
  return { listener, finish: () => (shown ? void process.stderr.write('\n') : undefined) };
}

/** The engine for a CLI run: backend and threads from CEREMONY_BACKEND / CEREMONY_THREADS. */
export async function cliEngine(listener: ProgressListener | undefined): Promise<Engine> {
  const backend = process.env.CEREMONY_BACKEND ?? 'fast';
  if (!isBackendName(backend)) throw new UsageError(`CEREMONY_BACKEND must be one of ${BACKEND_NAMES.join(', ')}, not '${backend}'`);
  const threadsText = process.env.CEREMONY_THREADS;
  const threads = threadsText === undefined || threadsText === '' ? undefined : Number(threadsText);
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 0 || threads > 256)) {
    throw new UsageError(`CEREMONY_THREADS must be an integer from 0 to 256`);
  }
  return createEngine({ backend, threads, onProgress: listener });
}

/** Runs `work` with a CLI engine and TTY progress, closing both afterwards. */
export async function withCliEngine<T>(work: (engine: Engine) => Promise<T>): Promise<T> {
  const progress = ttyProgress();
  const engine = await cliEngine(progress.listener);
  try {
    return await work(engine);
  } finally {
    progress.finish();
    await engine.close();
  }
}
