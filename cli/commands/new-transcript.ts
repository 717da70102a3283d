// ceremony new-transcript --sizes 4096:65,8192:65 --out FILE
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { EXIT_OK, runCommand, UsageError } from '../../engine/cli/command-support.js';
import { writeFileAtomic } from '../../engine/io/atomic-write.js';
import { DEFAULT_LIMITS } from '../../engine/limits.js';
import { formatSizes, parseSizesText } from '../../engine/format/sizes.js';
import { serializeBatchTranscript } from '../../engine/format/serialize.js';
import { newTranscript } from '../../engine/ops/new-transcript.js';
import { exitCode, helpFooter } from '../kit.js';

export function newTranscriptCommand(): CommandUnknownOpts {
  const command = new Command('new-transcript')
    .summary('write an initial BatchTranscript')
    .description('Writes the initial BatchTranscript (all powers are the generators).')
    .requiredOption('--sizes <G1:G2,G1:G2>', 'sub-ceremony sizes, numG1Powers:numG2Powers, 2 <= G2 <= G1 (the Ethereum KZG ceremony: 4096:65,8192:65,16384:65,32768:65)')
    .requiredOption('--out <file>', 'output file, written atomically')
    .action(
      exitCode((options) =>
        runCommand('new-transcript', async () => {
          let sizes;
          try {
            sizes = parseSizesText(options.sizes, DEFAULT_LIMITS);
          } catch (err) {
            throw new UsageError(err instanceof Error ? err.message : String(err));
          }
          await writeFileAtomic(options.out, serializeBatchTranscript(newTranscript(sizes)));
          process.stderr.write(`wrote the initial transcript (${formatSizes(sizes)}) to ${options.out}\n`);
          return EXIT_OK;
        }),
      ),
    );
  return helpFooter(command, ['new-transcript --sizes 4096:65,8192:65,16384:65,32768:65 --out transcript.json'], ['Exit codes: 0 written, 2 usage or I/O error.']);
}
