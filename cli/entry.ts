// What every program's entry point does: run the program on the process's arguments, set the exit
// code, and end quietly when its output is piped into a reader that stops early (`| head`).
import type { Command } from '@commander-js/extra-typings';
import { runProgram } from './kit.js';

export function runAsMain(program: Command, name: string): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  runProgram(program, process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
