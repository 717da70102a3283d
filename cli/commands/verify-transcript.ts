// ceremony verify-transcript FILE
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { ENGINE_ENVIRONMENT, EXIT_OK, printValid, runCommand, withCliEngine } from '../../engine/cli/command-support.js';
import { parseBatchTranscript } from '../../engine/format/parse-transcript.js';
import { readBoundedText } from '../../engine/format/read-json.js';
import { formatSizes } from '../../engine/format/sizes.js';
import { DEFAULT_LIMITS } from '../../engine/limits.js';
import { verifyTranscript } from '../../engine/ops/verify-transcript.js';
import { exitCode, helpFooter } from '../kit.js';

export function verifyTranscriptCommand(): CommandUnknownOpts {
  const command = new Command('verify-transcript')
    .summary('verify a whole transcript')
    .description(
      'Verifies a whole BatchTranscript: the running-product chain through every contribution, every ' +
        'witness point, and every check on the current powers. Prints one JSON line: {"valid":true,...} ' +
        'or {"valid":false,"code":...,"message":...}.',
    )
    .argument('<file>', 'the BatchTranscript to verify')
    .action(
      exitCode((file) =>
        runCommand('verify-transcript', async () => {
          const transcript = parseBatchTranscript(await readBoundedText(file, DEFAULT_LIMITS));
          const summary = await withCliEngine((engine) => verifyTranscript(engine, transcript));
          printValid({ contributions: summary.contributions, sizes: formatSizes(summary.sizes) });
          return EXIT_OK;
        }),
      ),
    );
  return helpFooter(command, ['verify-transcript transcript.json'], ['Progress on stderr. Exit codes: 0 valid, 1 invalid (including malformed JSON), 2 usage or I/O error.', ...ENGINE_ENVIRONMENT]);
}
