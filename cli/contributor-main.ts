// Entry point of `ceremony-contributor`, the installable client (packages/contributor): the commands
// a contributor, a verifier or a member of the public runs, and the engine's file commands. None of
// them loads Temporal or Koa.
import { runAsMain } from './entry.js';
import { contributorProgram } from './client-program.js';

runAsMain(contributorProgram(), 'ceremony-contributor');
