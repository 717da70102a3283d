// ceremony verify-transcript FILE
import { EXIT_OK, parseCommandArgs, printValid, runCommand, UsageError, withCliEngine } from '../../engine/cli/command-support.js';
import { parseBatchTranscript } from '../../engine/format/parse-transcript.js';
import { readBoundedText } from '../../engine/format/read-json.js';
import { formatSizes } from '../../engine/format/sizes.js';
import { DEFAULT_LIMITS } from '../../engine/limits.js';
import { verifyTranscript } from '../../engine/ops/verify-transcript.js';

const USAGE = `usage: ceremony verify-transcript FILE

Verifies a whole BatchTranscript: the running-product chain through every
contribution, every witness point, and every check on the current powers.
Prints one JSON line: {"valid":true,...} or {"valid":false,"code":...,"message":...}.
Exit codes: 0 valid, 1 invalid (including malformed JSON), 2 usage or I/O error.
`;

export async function run(argv: string[]): Promise<number> {
  return runCommand('verify-transcript', async () => {
    const { values, positionals } = parseCommandArgs(argv, {}, true);
    if (values.help === true) {
      process.stdout.write(USAGE);
      return EXIT_OK;
    }
    if (positionals.length !== 1) throw new UsageError('expected exactly one transcript FILE');
    const transcript = parseBatchTranscript(await readBoundedText(positionals[0] as string, DEFAULT_LIMITS));
    const summary = await withCliEngine((engine) => verifyTranscript(engine, transcript));
    printValid({ contributions: summary.contributions, sizes: formatSizes(summary.sizes) });
    return EXIT_OK;
  });
}
