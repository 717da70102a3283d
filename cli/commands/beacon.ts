// ceremony beacon --in FILE --out FILE --beacon HEX [--iterations N]
import { EXIT_OK, parseCommandArgs, requireOption, runCommand, UsageError, withCliEngine } from '../../engine/cli/command-support.js';
import { InvalidInputError } from '../../engine/errors.js';
import { beaconContribution } from '../../engine/beacon/beacon.js';
import { MAX_BEACON_BYTES, MAX_BEACON_ITERATIONS, normalizeBeaconValue, PRODUCTION_BEACON_ITERATIONS } from '../../engine/beacon/derive.js';
import { serializeBeaconRecord } from '../../engine/beacon/record.js';
import { parseCeremonyDocument } from '../../engine/format/document-kind.js';
import { readBoundedText } from '../../engine/format/read-json.js';
import { serializeBatchContribution } from '../../engine/format/serialize.js';
import { writeFileAtomic } from '../../engine/io/atomic-write.js';
import { DEFAULT_LIMITS } from '../../engine/limits.js';

const USAGE = `usage: ceremony beacon --in FILE --out FILE --beacon HEX [--iterations N]

Finalises a ceremony with a public random beacon: the secret of sub-ceremony j is
int(SHA-256(D || uint32_be(j))) mod r, where D is SHA-256 applied N times to the
bytes of the beacon value. Writes the BatchContribution (verify and apply it like
any other) and prints the beacon record as one JSON line on stdout:
{"beaconValueHex","iterations","digestHex","secretsHex","potPubkeys"}.
  --in          a BatchTranscript, or a BatchContribution holding the current powers
  --out         the BatchContribution to write (atomically)
  --beacon      the beacon value, hex (0x optional), 1 to 1024 bytes
  --iterations  SHA-256 iterations, 1 to ${MAX_BEACON_ITERATIONS} (default ${PRODUCTION_BEACON_ITERATIONS} = 2^20)
Exit codes: 0 written, 1 invalid input (one JSON line on stdout), 2 usage or I/O error.
`;

function parseIterations(text: string | undefined): number {
  if (text === undefined) return PRODUCTION_BEACON_ITERATIONS;
  if (!/^\d{1,10}$/.test(text)) throw new UsageError(`--iterations must be a positive integer, not '${text}'`);
  const value = Number(text);
  if (value < 1 || value > MAX_BEACON_ITERATIONS) throw new UsageError(`--iterations must be from 1 to ${MAX_BEACON_ITERATIONS}`);
  return value;
}

export async function run(argv: string[]): Promise<number> {
  return runCommand('beacon', async () => {
    const { values } = parseCommandArgs(argv, {
      in: { type: 'string' },
      out: { type: 'string' },
      beacon: { type: 'string' },
      iterations: { type: 'string' },
    });
    if (values.help === true) {
      process.stdout.write(USAGE);
      return EXIT_OK;
    }
    const inPath = requireOption(values.in, '--in');
    const outPath = requireOption(values.out, '--out');
    const beaconText = requireOption(values.beacon, '--beacon');
    let beaconValueHex: string;
    try {
      beaconValueHex = normalizeBeaconValue(beaconText);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      throw new UsageError(`--beacon must be hex of 1 to ${MAX_BEACON_BYTES} bytes (an even number of hex digits, 0x optional)`);
    }
    const iterations = parseIterations(values.iterations);
    const document = parseCeremonyDocument(await readBoundedText(inPath, DEFAULT_LIMITS));
    const input = document.kind === 'transcript' ? document.transcript : document.contribution;
    const { contribution, record } = await withCliEngine((engine) => beaconContribution(engine, input, { beaconValueHex, iterations }));
    await writeFileAtomic(outPath, serializeBatchContribution(contribution));
    process.stdout.write(serializeBeaconRecord(record, 0) + '\n');
    process.stderr.write(`wrote the beacon contribution to ${outPath}\n`);
    return EXIT_OK;
  });
}
