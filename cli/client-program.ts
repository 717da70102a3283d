// The installable client's program, `ceremony-contributor` (packages/contributor bundles it from
// cli/contributor-main.ts): the commands a contributor, a verifier or a member of the public runs,
// and the engine's file commands. This module imports nothing of the coordinator's, so the bundle
// holds neither Temporal nor Koa.
import { readFileSync } from 'node:fs';
import type { Command } from '@commander-js/extra-typings';
import { applyCommand } from './commands/apply.js';
import { beaconCommand } from './commands/beacon.js';
import { contributeCommand } from './commands/contribute.js';
import { contributorCommand } from './commands/contributor.js';
import { newTranscriptCommand } from './commands/new-transcript.js';
import { verifierCommand } from './commands/verifier.js';
import { verifyContributionCommand } from './commands/verify-contribution.js';
import { verifyReceiptCommand } from './commands/verify-receipt.js';
import { verifyTranscriptCommand } from './commands/verify-transcript.js';
import { verifyCommand } from './commands/verify.js';
import { buildProgram, type CommandFactory } from './kit.js';

/** What a contributor or a member of the public runs: none of it loads Temporal or Koa. */
export const contributorSideCommands: readonly CommandFactory[] = [contributorCommand, verifierCommand, verifyCommand, verifyReceiptCommand, verifyTranscriptCommand];

/** The engine's file-to-file commands (no coordinator needed). */
export const engineCommands: readonly CommandFactory[] = [newTranscriptCommand, contributeCommand, verifyContributionCommand, applyCommand, beaconCommand];

/**
 * The version in the package.json one folder up: the repository's beside cli/, or the client
 * package's beside its dist/ (packages/contributor).
 */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

/** `ceremony-contributor`, the installable client: the contributor-side and engine commands. */
export function contributorProgram(): Command {
  return buildProgram(
    { name: 'ceremony-contributor', version: packageVersion(), description: 'Contribute to a powers-of-tau ceremony, verify it, and check receipts: the client of the ceremony coordinator.' },
    [...contributorSideCommands, ...engineCommands],
  );
}
