// The programs built from the command definitions (cli/commands/*): `ceremony`, with every command,
// and the commands a contributor-side client needs, for a program of their own. Each command module
// declares its command once; a program only chooses which to register.
import { readFileSync } from 'node:fs';
import type { Command } from '@commander-js/extra-typings';
import { adminCommand } from './commands/admin.js';
import { apiCommand } from './commands/api.js';
import { applyCommand } from './commands/apply.js';
import { beaconCommand } from './commands/beacon.js';
import { contributeCommand } from './commands/contribute.js';
import { contributorCommand } from './commands/contributor.js';
import { newTranscriptCommand } from './commands/new-transcript.js';
import { startCommand } from './commands/start.js';
import { verifierCommand } from './commands/verifier.js';
import { verifyContributionCommand } from './commands/verify-contribution.js';
import { verifyReceiptCommand } from './commands/verify-receipt.js';
import { verifyTranscriptCommand } from './commands/verify-transcript.js';
import { verifyCommand } from './commands/verify.js';
import { workerCommand } from './commands/worker.js';
import { buildProgram, type CommandFactory } from './kit.js';

/** What a contributor or a member of the public runs: none of it loads Temporal or Koa. */
export const contributorSideCommands: readonly CommandFactory[] = [contributorCommand, verifierCommand, verifyCommand, verifyReceiptCommand, verifyTranscriptCommand];

/** The engine's file-to-file commands (no coordinator needed). */
export const engineCommands: readonly CommandFactory[] = [newTranscriptCommand, contributeCommand, verifyContributionCommand, applyCommand, beaconCommand];

/** The coordinator's own: the services (they load Temporal and Koa when run) and the admin client. */
export const coordinatorCommands: readonly CommandFactory[] = [startCommand, apiCommand, workerCommand, adminCommand];

/** The version in package.json beside cli/. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

/** `ceremony`: every command. */
export function ceremonyProgram(): Command {
  return buildProgram({ name: 'ceremony', version: packageVersion(), description: 'A trusted-setup (powers-of-tau) ceremony: the coordinator, the contributor and the verifiers.' }, [
    ...coordinatorCommands,
    ...engineCommands,
    ...contributorSideCommands,
  ]);
}
