// ceremony contribute --in FILE --out FILE [--secrets HEX,HEX,...] [--entropy TEXT]
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { ENGINE_ENVIRONMENT, EXIT_OK, runCommand, UsageError, withCliEngine } from '../../engine/cli/command-support.js';
import { InvalidInputError } from '../../engine/errors.js';
import { parseCeremonyDocument } from '../../engine/format/document-kind.js';
import { readBoundedText } from '../../engine/format/read-json.js';
import { serializeBatchContribution } from '../../engine/format/serialize.js';
import { writeFileAtomic } from '../../engine/io/atomic-write.js';
import { DEFAULT_LIMITS } from '../../engine/limits.js';
import { contribute } from '../../engine/ops/contribute.js';
import { checkFixedSecrets, parseSecretsText } from '../../engine/ops/derive-secrets.js';
import { exitCode, helpFooter } from '../kit.js';

export function contributeCommand(): CommandUnknownOpts {
  const command = new Command('contribute')
    .summary('contribute to a transcript or contribution file')
    .description('Mixes a secret into every sub-ceremony and writes a BatchContribution.')
    .requiredOption('--in <file>', 'a BatchTranscript, or a BatchContribution holding the current powers')
    .requiredOption('--out <file>', 'the BatchContribution to write (atomically)')
    .addOption(new Option('--secrets <hexes>', 'fixed secrets, big-endian hex, comma-separated, one per sub-ceremony (test vectors only)').conflicts('entropy'))
    .option('--entropy <text>', 'extra text mixed with the system CSPRNG')
    .action(
      exitCode((options) =>
        runCommand('contribute', async () => {
          const document = parseCeremonyDocument(await readBoundedText(options.in, DEFAULT_LIMITS));
          const input = document.kind === 'transcript' ? document.transcript : document.contribution;
          const count = document.kind === 'transcript' ? document.transcript.transcripts.length : document.contribution.contributions.length;
          let secrets: bigint[] | undefined;
          if (options.secrets !== undefined) {
            try {
              secrets = parseSecretsText(options.secrets);
              checkFixedSecrets(secrets, count);
            } catch (err) {
              throw new UsageError(err instanceof InvalidInputError ? `--secrets: ${err.message}` : String(err));
            }
          }
          const contribution = await withCliEngine((engine) => contribute(engine, input, { secrets, entropy: options.entropy }));
          secrets?.fill(0n);
          await writeFileAtomic(options.out, serializeBatchContribution(contribution));
          process.stderr.write(`wrote the contribution to ${options.out}\n`);
          return EXIT_OK;
        }),
      ),
    );
  return helpFooter(
    command,
    ['contribute --in transcript.json --out contribution.json', "contribute --in transcript.json --out contribution.json --entropy 'dice: 4 2 6'"],
    ['Progress on stderr. Exit codes: 0 written, 1 invalid input (one JSON line on stdout), 2 usage or I/O error.', ...ENGINE_ENVIRONMENT],
  );
}
