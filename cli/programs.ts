// The programs built from the command definitions (cli/commands/*): `ceremony`, with every command,
// and (cli/client-program.ts) the installable client's. Each command module declares its command
// once; a program only chooses which to register.
import type { Command } from '@commander-js/extra-typings';
import { adminCommand } from './commands/admin.js';
import { apiCommand } from './commands/api.js';
import { startCommand } from './commands/start.js';
import { workerCommand } from './commands/worker.js';
import { contributorSideCommands, engineCommands, packageVersion } from './client-program.js';
import { buildProgram, type CommandFactory } from './kit.js';

export { contributorSideCommands, engineCommands };

/** The coordinator's own: the services (they load Temporal and Koa when run) and the admin client. */
export const coordinatorCommands: readonly CommandFactory[] = [startCommand, apiCommand, workerCommand, adminCommand];

/** `ceremony`: every command. */
export function ceremonyProgram(): Command {
  return buildProgram({ name: 'ceremony', version: packageVersion(), description: 'A trusted-setup (powers-of-tau) ceremony: the coordinator, the contributor and the verifiers.' }, [
    ...coordinatorCommands,
    ...engineCommands,
    ...contributorSideCommands,
  ]);
}
