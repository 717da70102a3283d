// `ceremony verifier --url URL --name NAME`: an external verifier of a rounds ceremony. It runs until
// interrupted (or dropped), printing one line per verdict on stderr.
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { createEngine } from '../../engine/context.js';
import { runVerifier } from '../../client/verifier.js';
import { exitCode, helpFooter } from '../kit.js';
import { Progress } from '../progress.js';
import { untilSignal } from '../signals.js';

function declare() {
  return new Command('verifier')
    .summary('an external verifier of a rounds ceremony')
    .description('Verifies the contributions of a rounds ceremony as they come, until interrupted (Ctrl-C) or dropped. One line per verdict on stderr; the result as one JSON line on stdout.')
    .requiredOption('--url <url>', 'the coordinator')
    .requiredOption('--name <name>', 'dev login name; the identity dev|NAME must be a configured verifier');
}

export function verifierCommand(): CommandUnknownOpts {
  return helpFooter(
    declare().action(exitCode((options) => run(options))),
    ['verifier --url http://127.0.0.1:8080 --name verifier-1'],
    ['Exit codes: 0 stopped, 1 dropped by the coordinator, 2 usage or network.'],
  );
}

async function run(options: ReturnType<ReturnType<typeof declare>['opts']>): Promise<number> {
  const progress = new Progress('[verifier]');
  const engine = await createEngine();
  try {
    const result = await runVerifier({
      url: options.url,
      engine,
      name: options.name,
      stop: untilSignal().then(() => undefined),
      onEvent: (e) => progress.say(e.kind === 'verified' ? `${e.contributionId}: ${e.valid ? 'valid' : `invalid (${e.code ?? '?'})`} in ${e.ms} ms` : `dropped: ${e.reason}`),
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return result.outcome === 'dropped' ? 1 : 0;
  } catch (err) {
    process.stderr.write(`ceremony verifier: ${(err as Error).message}\n`);
    return 2;
  } finally {
    progress.finish();
    await engine.close();
  }
}
