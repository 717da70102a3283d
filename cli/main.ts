// Entry point of `bin/ceremony`: the `ceremony` program (cli/programs.ts), one command per module in
// cli/commands/. Exit codes: 0 done or valid, 1 invalid input, 2 usage or I/O.
import { runAsMain } from './entry.js';
import { ceremonyProgram } from './programs.js';

runAsMain(ceremonyProgram(), 'ceremony');
