// ceremony new-transcript --sizes 4096:65,8192:65 --out FILE
import { EXIT_OK, parseCommandArgs, requireOption, runCommand, UsageError } from '../../engine/cli/command-support.js';
import { writeFileAtomic } from '../../engine/io/atomic-write.js';
import { DEFAULT_LIMITS } from '../../engine/limits.js';
import { formatSizes, parseSizesText } from '../../engine/format/sizes.js';
import { serializeBatchTranscript } from '../../engine/format/serialize.js';
import { newTranscript } from '../../engine/ops/new-transcript.js';

const USAGE = `usage: ceremony new-transcript --sizes G1:G2[,G1:G2...] --out FILE

Writes the initial BatchTranscript (all powers are the generators).
  --sizes  sub-ceremony sizes, numG1Powers:numG2Powers, 2 <= G2 <= G1
           (the Ethereum KZG ceremony: 4096:65,8192:65,16384:65,32768:65)
  --out    output file, written atomically
`;

export async function run(argv: string[]): Promise<number> {
  return runCommand('new-transcript', async () => {
    const { values } = parseCommandArgs(argv, { sizes: { type: 'string' }, out: { type: 'string' } });
    if (values.help === true) {
      process.stdout.write(USAGE);
      return EXIT_OK;
    }
    const sizesText = requireOption(values.sizes, '--sizes');
    const out = requireOption(values.out, '--out');
    let sizes;
    try {
      sizes = parseSizesText(sizesText, DEFAULT_LIMITS);
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    await writeFileAtomic(out, serializeBatchTranscript(newTranscript(sizes)));
    process.stderr.write(`wrote the initial transcript (${formatSizes(sizes)}) to ${out}\n`);
    return EXIT_OK;
  });
}
