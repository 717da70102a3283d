// ceremony apply --transcript FILE --contribution FILE --out FILE [--participant-id ID]
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { ENGINE_ENVIRONMENT, EXIT_OK, runCommand, UsageError, withCliEngine } from '../../engine/cli/command-support.js';
import { isValidParticipantId } from '../../engine/format/identity-patterns.js';
import { parseBatchContribution } from '../../engine/format/parse-contribution.js';
import { parseBatchTranscript } from '../../engine/format/parse-transcript.js';
import { readBoundedText } from '../../engine/format/read-json.js';
import { serializeBatchTranscript } from '../../engine/format/serialize.js';
import { writeFileAtomic } from '../../engine/io/atomic-write.js';
import { DEFAULT_LIMITS } from '../../engine/limits.js';
import { applyVerifiedContribution } from '../../engine/ops/apply-contribution.js';
import { verifyContribution } from '../../engine/ops/verify-contribution.js';
import { exitCode, helpFooter } from '../kit.js';

export function applyCommand(): CommandUnknownOpts {
  const command = new Command('apply')
    .summary('append a verified contribution to a transcript')
    .description(
      'Verifies the contribution, then writes the transcript extended by it: new powers, running product, ' +
        'pubkey, BLS signature, participant id and ECDSA signature. Identity signatures are carried as ' +
        'they are (the coordinator prunes them).',
    )
    .requiredOption('--transcript <file>', 'the BatchTranscript to extend')
    .requiredOption('--contribution <file>', 'the BatchContribution to verify and append')
    .requiredOption('--out <file>', 'the extended BatchTranscript to write (atomically)')
    .option('--participant-id <id>', "the contributor: eth|0x<40 hex>, git|<id>|@<handle>, or '' (the default)", '')
    .action(
      exitCode((options) =>
        runCommand('apply', async () => {
          const participantId = options.participantId;
          if (!isValidParticipantId(participantId)) throw new UsageError(`--participant-id '${participantId}' is not eth|0x…, git|id|@handle or empty`);
          const [transcriptText, contributionText] = await Promise.all([readBoundedText(options.transcript, DEFAULT_LIMITS), readBoundedText(options.contribution, DEFAULT_LIMITS)]);
          const transcript = parseBatchTranscript(transcriptText);
          const contribution = parseBatchContribution(contributionText);
          const verified = await withCliEngine((engine) => verifyContribution(engine, transcript, contribution));
          const updated = await applyVerifiedContribution(verified, { participantId });
          await writeFileAtomic(options.out, serializeBatchTranscript(updated));
          process.stderr.write(`applied contribution ${updated.participantIds.length - 1}; wrote ${options.out}\n`);
          return EXIT_OK;
        }),
      ),
    );
  return helpFooter(
    command,
    ["apply --transcript transcript.json --contribution contribution.json --out next.json --participant-id 'git|1|@alice'"],
    ['Progress on stderr. Exit codes: 0 written, 1 invalid input (one JSON line on stdout), 2 usage or I/O error.', ...ENGINE_ENVIRONMENT],
  );
}
