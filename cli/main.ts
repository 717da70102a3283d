// Entry point of `bin/ceremony`: the `ceremony` program (cli/programs.ts), one command per module in
// cli/commands/. Exit codes: 0 done or valid, 1 invalid input, 2 usage or I/O.
import { runProgram } from './kit.js';
import { ceremonyProgram } from './programs.js';

// Output piped into a reader that stops early (`| head`) ends the program quietly.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

runProgram(ceremonyProgram(), process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`ceremony: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
