// ceremony verify-contribution --transcript FILE --contribution FILE
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { ENGINE_ENVIRONMENT, EXIT_OK, printValid, runCommand, withCliEngine } from '../../engine/cli/command-support.js';
import { parseBatchContribution } from '../../engine/format/parse-contribution.js';
import { parseBatchTranscript } from '../../engine/format/parse-transcript.js';
import { readBoundedText } from '../../engine/format/read-json.js';
import { DEFAULT_LIMITS } from '../../engine/limits.js';
import { verifyContribution } from '../../engine/ops/verify-contribution.js';
import { exitCode, helpFooter } from '../kit.js';

export function verifyContributionCommand(): CommandUnknownOpts {
  const command = new Command('verify-contribution')
    .summary('verify a contribution against a transcript')
    .description(
      'Runs every check of the KZG sequencer spec on a BatchContribution against the BatchTranscript it ' +
        'extends. Prints one JSON line: {"valid":true,...} or {"valid":false,"code":...,"message":...}.',
    )
    .requiredOption('--transcript <file>', 'the BatchTranscript the contribution extends')
    .requiredOption('--contribution <file>', 'the BatchContribution to check')
    .action(
      exitCode((options) =>
        runCommand('verify-contribution', async () => {
          const [transcriptText, contributionText] = await Promise.all([readBoundedText(options.transcript, DEFAULT_LIMITS), readBoundedText(options.contribution, DEFAULT_LIMITS)]);
          const transcript = parseBatchTranscript(transcriptText);
          const contribution = parseBatchContribution(contributionText);
          const verified = await withCliEngine((engine) => verifyContribution(engine, transcript, contribution));
          printValid({ subCeremonies: verified.potPubkeys.length, potPubkeys: verified.potPubkeys });
          return EXIT_OK;
        }),
      ),
    );
  return helpFooter(
    command,
    ['verify-contribution --transcript transcript.json --contribution contribution.json'],
    ['Progress on stderr. Exit codes: 0 valid, 1 invalid (including malformed JSON), 2 usage or I/O error.', ...ENGINE_ENVIRONMENT],
  );
}
