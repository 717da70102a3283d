// ceremony verify-contribution --transcript FILE --contribution FILE
import { EXIT_OK, parseCommandArgs, printValid, requireOption, runCommand, withCliEngine } from '../../engine/cli/command-support.js';
import { parseBatchContribution } from '../../engine/format/parse-contribution.js';
import { parseBatchTranscript } from '../../engine/format/parse-transcript.js';
import { readBoundedText } from '../../engine/format/read-json.js';
import { DEFAULT_LIMITS } from '../../engine/limits.js';
import { verifyContribution } from '../../engine/ops/verify-contribution.js';

const USAGE = `usage: ceremony verify-contribution --transcript FILE --contribution FILE

Runs every check of the KZG sequencer spec on a BatchContribution against the
BatchTranscript it extends. Prints one JSON line: {"valid":true,...} or
{"valid":false,"code":...,"message":...}.
Exit codes: 0 valid, 1 invalid (including malformed JSON), 2 usage or I/O error.
`;

export async function run(argv: string[]): Promise<number> {
  return runCommand('verify-contribution', async () => {
    const { values } = parseCommandArgs(argv, { transcript: { type: 'string' }, contribution: { type: 'string' } });
    if (values.help === true) {
      process.stdout.write(USAGE);
      return EXIT_OK;
    }
    const transcriptPath = requireOption(values.transcript, '--transcript');
    const contributionPath = requireOption(values.contribution, '--contribution');
    const [transcriptText, contributionText] = await Promise.all([readBoundedText(transcriptPath, DEFAULT_LIMITS), readBoundedText(contributionPath, DEFAULT_LIMITS)]);
    const transcript = parseBatchTranscript(transcriptText);
    const contribution = parseBatchContribution(contributionText);
    const verified = await withCliEngine((engine) => verifyContribution(engine, transcript, contribution));
    printValid({ subCeremonies: verified.potPubkeys.length, potPubkeys: verified.potPubkeys });
    return EXIT_OK;
  });
}
