// ceremony contribute --in FILE --out FILE [--secrets HEX,HEX,...] [--entropy TEXT]
import { EXIT_OK, parseCommandArgs, requireOption, runCommand, UsageError, withCliEngine } from '../../engine/cli/command-support.js';
import { InvalidInputError } from '../../engine/errors.js';
import { parseCeremonyDocument } from '../../engine/format/document-kind.js';
import { readBoundedText } from '../../engine/format/read-json.js';
import { serializeBatchContribution } from '../../engine/format/serialize.js';
import { writeFileAtomic } from '../../engine/io/atomic-write.js';
import { DEFAULT_LIMITS } from '../../engine/limits.js';
import { contribute } from '../../engine/ops/contribute.js';
import { checkFixedSecrets, parseSecretsText } from '../../engine/ops/derive-secrets.js';

const USAGE = `usage: ceremony contribute --in FILE --out FILE [--secrets HEX,HEX,...] [--entropy TEXT]

Mixes a secret into every sub-ceremony and writes a BatchContribution.
  --in       a BatchTranscript, or a BatchContribution holding the current powers
  --out      the BatchContribution to write (atomically)
  --secrets  fixed secrets, big-endian hex, one per sub-ceremony (test vectors only)
  --entropy  extra text mixed with the system CSPRNG
Exit codes: 0 written, 1 invalid input (one JSON line on stdout), 2 usage or I/O error.
`;

export async function run(argv: string[]): Promise<number> {
  return runCommand('contribute', async () => {
    const { values } = parseCommandArgs(argv, {
      in: { type: 'string' },
      out: { type: 'string' },
      secrets: { type: 'string' },
      entropy: { type: 'string' },
    });
    if (values.help === true) {
      process.stdout.write(USAGE);
      return EXIT_OK;
    }
    const inPath = requireOption(values.in, '--in');
    const outPath = requireOption(values.out, '--out');
    if (typeof values.secrets === 'string' && typeof values.entropy === 'string') throw new UsageError('--secrets and --entropy exclude each other');
    const document = parseCeremonyDocument(await readBoundedText(inPath, DEFAULT_LIMITS));
    const input = document.kind === 'transcript' ? document.transcript : document.contribution;
    const count = document.kind === 'transcript' ? document.transcript.transcripts.length : document.contribution.contributions.length;
    let secrets: bigint[] | undefined;
    if (typeof values.secrets === 'string') {
      try {
        secrets = parseSecretsText(values.secrets);
        checkFixedSecrets(secrets, count);
      } catch (err) {
        throw new UsageError(err instanceof InvalidInputError ? `--secrets: ${err.message}` : String(err));
      }
    }
    const contribution = await withCliEngine((engine) => contribute(engine, input, { secrets, entropy: values.entropy }));
    secrets?.fill(0n);
    await writeFileAtomic(outPath, serializeBatchContribution(contribution));
    process.stderr.write(`wrote the contribution to ${outPath}\n`);
    return EXIT_OK;
  });
}
