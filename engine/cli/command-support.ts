// Shared plumbing of the engine's CLI subcommands: the exit code contract (0 valid/done, 1 invalid
// input with one JSON line on stdout, 2 usage or I/O error on stderr), engine creation and progress.
// Flags are parsed by commander (cli/kit.ts); each command declares its own.
import { Progress } from '../../cli/progress.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE } from '../../cli/kit.js';
import { createEngine, type Engine, type ProgressListener } from '../context.js';
import { BACKEND_NAMES } from '../curve/backend.js';
import { defaultBackend, isBackendName } from '../curve/load-backend.js';
import { InvalidInputError } from '../errors.js';

export { EXIT_INVALID, EXIT_OK, EXIT_USAGE };

/** Thrown for bad flags or arguments; reported on stderr with exit code 2. */
export class UsageError extends Error {}

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

/** The environment the engine commands read, for their --help. */
export const ENGINE_ENVIRONMENT = [
  'Environment:',
  "  CEREMONY_BACKEND  'fast' (blst and mcl-wasm, the default where blst is installed), 'wasm' (mcl-wasm alone, as in browsers; the default otherwise) or 'noble' (the reference)",
  '  CEREMONY_THREADS  worker threads, 0 to 256 (default: the cores available; 0 computes on the main thread)',
];

/** The engine for a CLI run: backend and threads from CEREMONY_BACKEND / CEREMONY_THREADS. */
export async function cliEngine(listener: ProgressListener | undefined): Promise<Engine> {
  const backend = process.env.CEREMONY_BACKEND === undefined || process.env.CEREMONY_BACKEND === '' ? await defaultBackend() : process.env.CEREMONY_BACKEND;
  if (!isBackendName(backend)) throw new UsageError(`CEREMONY_BACKEND must be one of ${BACKEND_NAMES.join(', ')}, not '${backend}'`);
  const threadsText = process.env.CEREMONY_THREADS;
  const threads = threadsText === undefined || threadsText === '' ? undefined : Number(threadsText);
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 0 || threads > 256)) {
    throw new UsageError(`CEREMONY_THREADS must be an integer from 0 to 256`);
  }
  return createEngine({ backend, threads, onProgress: listener });
}

/**
 * Runs `work` with a CLI engine whose progress is shown on stderr (a bar on a terminal, timestamped
 * lines otherwise), closing both afterwards.
 */
export async function withCliEngine<T>(work: (engine: Engine) => Promise<T>, progress: Progress = new Progress('')): Promise<T> {
  const engine = await cliEngine(progress.engineListener());
  try {
    return await work(engine);
  } finally {
    progress.finish();
    await engine.close();
  }
}
