// ceremony beacon --in FILE --out FILE --beacon HEX [--iterations N]
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { ENGINE_ENVIRONMENT, EXIT_OK, runCommand, UsageError, withCliEngine } from '../../engine/cli/command-support.js';
import { InvalidInputError } from '../../engine/errors.js';
import { beaconContribution } from '../../engine/beacon/beacon.js';
import { MAX_BEACON_BYTES, MAX_BEACON_ITERATIONS, normalizeBeaconValue, PRODUCTION_BEACON_ITERATIONS } from '../../engine/beacon/derive.js';
import { serializeBeaconRecord } from '../../engine/beacon/record.js';
import { parseCeremonyDocument } from '../../engine/format/document-kind.js';
import { readBoundedText } from '../../engine/format/read-json.js';
import { serializeBatchContribution } from '../../engine/format/serialize.js';
import { writeFileAtomic } from '../../engine/io/atomic-write.js';
import { DEFAULT_LIMITS } from '../../engine/limits.js';
import { exitCode, helpFooter } from '../kit.js';

function parseIterations(text: string | undefined): number {
  if (text === undefined) return PRODUCTION_BEACON_ITERATIONS;
  if (!/^\d{1,10}$/.test(text)) throw new UsageError(`--iterations must be a positive integer, not '${text}'`);
  const value = Number(text);
  if (value < 1 || value > MAX_BEACON_ITERATIONS) throw new UsageError(`--iterations must be from 1 to ${MAX_BEACON_ITERATIONS}`);
  return value;
}

export function beaconCommand(): CommandUnknownOpts {
  const command = new Command('beacon')
    .summary('finalise with a public random beacon (iterated SHA-256)')
    .description(
      'Finalises a ceremony with a public random beacon: the secret of sub-ceremony j is ' +
        'int(SHA-256(D || uint32_be(j))) mod r, where D is SHA-256 applied N times to the bytes of the ' +
        'beacon value. Writes the BatchContribution (verify and apply it like any other) and prints the ' +
        'beacon record as one JSON line on stdout: {"beaconValueHex","iterations","digestHex","secretsHex","potPubkeys"}.',
    )
    .requiredOption('--in <file>', 'a BatchTranscript, or a BatchContribution holding the current powers')
    .requiredOption('--out <file>', 'the BatchContribution to write (atomically)')
    .requiredOption('--beacon <hex>', 'the beacon value, hex (0x optional), 1 to 1024 bytes')
    .option('--iterations <n>', `SHA-256 iterations, 1 to ${MAX_BEACON_ITERATIONS} (default ${PRODUCTION_BEACON_ITERATIONS} = 2^20)`)
    .action(
      exitCode((options) =>
        runCommand('beacon', async () => {
          let beaconValueHex: string;
          try {
            beaconValueHex = normalizeBeaconValue(options.beacon);
          } catch (err) {
            if (!(err instanceof InvalidInputError)) throw err;
            throw new UsageError(`--beacon must be hex of 1 to ${MAX_BEACON_BYTES} bytes (an even number of hex digits, 0x optional)`);
          }
          const iterations = parseIterations(options.iterations);
          const document = parseCeremonyDocument(await readBoundedText(options.in, DEFAULT_LIMITS));
          const input = document.kind === 'transcript' ? document.transcript : document.contribution;
          const { contribution, record } = await withCliEngine((engine) => beaconContribution(engine, input, { beaconValueHex, iterations }));
          await writeFileAtomic(options.out, serializeBatchContribution(contribution));
          process.stdout.write(serializeBeaconRecord(record, 0) + '\n');
          process.stderr.write(`wrote the beacon contribution to ${options.out}\n`);
          return EXIT_OK;
        }),
      ),
    );
  return helpFooter(
    command,
    ['beacon --in transcript.json --out beacon-contribution.json --beacon 0x8f3b1c2d4e5f60718293a4b5c6d7e8f9'],
    ['Progress on stderr. Exit codes: 0 written, 1 invalid input (one JSON line on stdout), 2 usage or I/O error.', ...ENGINE_ENVIRONMENT],
  );
}
