// `ceremony verifier --url URL --name NAME`: an external verifier of a rounds ceremony. It runs until
// interrupted (or dropped), printing one line per verdict on stderr.
import { parseArgs } from 'node:util';
import { createEngine } from '../../engine/context.js';
import { runVerifier } from '../../client/verifier.js';
import { untilSignal } from '../service-flags.js';

export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { url: { type: 'string' }, name: { type: 'string' } } }));
  } catch (err) {
    process.stderr.write(`ceremony verifier: ${(err as Error).message}\n`);
    return 2;
  }
  if (values.url === undefined || values.name === undefined) {
    process.stderr.write('usage: ceremony verifier --url URL --name NAME (the identity dev|NAME must be a configured verifier)\n');
    return 2;
  }
  const engine = await createEngine();
  try {
    const result = await runVerifier({
      url: values.url,
      engine,
      name: values.name,
      stop: untilSignal().then(() => undefined),
      onEvent: (e) =>
        process.stderr.write(e.kind === 'verified' ? `[verifier] ${e.contributionId}: ${e.valid ? 'valid' : `invalid (${e.code ?? '?'})`} in ${e.ms} ms\n` : `[verifier] dropped: ${e.reason}\n`),
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return result.outcome === 'dropped' ? 1 : 0;
  } catch (err) {
    process.stderr.write(`ceremony verifier: ${(err as Error).message}\n`);
    return 2;
  } finally {
    await engine.close();
  }
}
