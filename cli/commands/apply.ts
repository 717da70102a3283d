// ceremony apply --transcript FILE --contribution FILE --out FILE [--participant-id ID]
import { EXIT_OK, parseCommandArgs, requireOption, runCommand, UsageError, withCliEngine } from '../../engine/cli/command-support.js';
import { isValidParticipantId } from '../../engine/format/identity-patterns.js';
import { parseBatchContribution } from '../../engine/format/parse-contribution.js';
import { parseBatchTranscript } from '../../engine/format/parse-transcript.js';
import { readBoundedText } from '../../engine/format/read-json.js';
import { serializeBatchTranscript } from '../../engine/format/serialize.js';
import { writeFileAtomic } from '../../engine/io/atomic-write.js';
import { DEFAULT_LIMITS } from '../../engine/limits.js';
import { applyVerifiedContribution } from '../../engine/ops/apply-contribution.js';
import { verifyContribution } from '../../engine/ops/verify-contribution.js';

const USAGE = `usage: ceremony apply --transcript FILE --contribution FILE --out FILE [--participant-id ID]

Verifies the contribution, then writes the transcript extended by it: new powers,
running product, pubkey, BLS signature, participant id and ECDSA signature.
Identity signatures are carried as they are (the coordinator prunes them).
  --participant-id  eth|0x<40 hex>, git|<id>|@<handle>, or '' (default)
Exit codes: 0 written, 1 invalid input (one JSON line on stdout), 2 usage or I/O error.
`;

export async function run(argv: string[]): Promise<number> {
  return runCommand('apply', async () => {
    const { values } = parseCommandArgs(argv, {
      transcript: { type: 'string' },
      contribution: { type: 'string' },
      out: { type: 'string' },
      'participant-id': { type: 'string' },
    });
    if (values.help === true) {
      process.stdout.write(USAGE);
      return EXIT_OK;
    }
    const transcriptPath = requireOption(values.transcript, '--transcript');
    const contributionPath = requireOption(values.contribution, '--contribution');
    const outPath = requireOption(values.out, '--out');
    const participantId = values['participant-id'] ?? '';
    if (!isValidParticipantId(participantId)) throw new UsageError(`--participant-id '${participantId}' is not eth|0x…, git|id|@handle or empty`);
    const [transcriptText, contributionText] = await Promise.all([readBoundedText(transcriptPath, DEFAULT_LIMITS), readBoundedText(contributionPath, DEFAULT_LIMITS)]);
    const transcript = parseBatchTranscript(transcriptText);
    const contribution = parseBatchContribution(contributionText);
    const verified = await withCliEngine((engine) => verifyContribution(engine, transcript, contribution));
    const updated = await applyVerifiedContribution(verified, { participantId });
    await writeFileAtomic(outPath, serializeBatchTranscript(updated));
    process.stderr.write(`applied contribution ${updated.participantIds.length - 1}; wrote ${outPath}\n`);
    return EXIT_OK;
  });
}
