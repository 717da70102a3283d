// `ceremony contributor --url URL [--name NAME | --eth-key-file FILE | --siwe-address ADDR | --github] [--entropy TEXT]`:
// the reference contributor of a sequential ceremony. Progress on stderr, the result as JSON on stdout;
// the help text and the exit codes are client/contributor-cli.ts's.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createEngine } from '../../engine/context.js';
import { requestJson, withRetries } from '../../client/http.js';
import { runContributor, type ContributorEvent } from '../../client/contributor.js';
import { contributorOutcome, CONTRIBUTOR_USAGE, describeDeviceCode, isEthereumAddress, stdinSigner } from '../../client/contributor-cli.js';
import { runRoundsContributor } from '../../client/rounds-contributor.js';
import { untilSignal } from '../service-flags.js';

/** The ceremony's mode, from /ceremony/info (answered from configuration; retried through outages). */
async function isRoundsCeremony(url: string): Promise<boolean> {
  const info = await withRetries(() => requestJson<{ mode?: string }>(url, '/ceremony/info', { timeoutMs: 30_000 }), true, { target: url });
  if (info.mode !== 'rounds' && info.mode !== 'sequential') throw new Error(`${url}/ceremony/info names no ceremony mode`);
  return info.mode === 'rounds';
}

function describe(event: ContributorEvent): string {
  switch (event.kind) {
    case 'logged-in':
      return `logged in as ${event.participantId}`;
    case 'entered':
    case 'checked-in': {
      const a = event.answer;
      const verb = event.kind === 'entered' ? 'entered the lobby' : 'checked in';
      return a.status === 'ready' ? `${verb}: it is our turn` : `${verb}: ${a.status}, position ${a.position}, expected start ${a.expectedStartAt}, next check-in by ${a.nextDeadline}`;
    }
    case 'rate-limited':
      return `rate limited; retrying in ${event.retryAfterSeconds} s`;
    case 'retrying':
      return `the coordinator did not answer (${event.message}); asking again in ${(event.nextTryInMs / 1000).toFixed(1)} s`;
    case 'deadline-passed':
      return `check-in deadline ${event.deadline} passed while the coordinator could not be reached; still trying (the coordinator excuses its own outages)`;
    case 'started':
      return `started contribution ${event.sequence}; deadline ${event.computeDeadline}`;
    case 'contributed':
      return `computed the contribution in ${(event.ms / 1000).toFixed(1)} s; uploading`;
    case 'accepted':
      return `accepted as contribution ${event.answer.sequence}; receipt ${event.answer.receiptId} ${event.receiptValid ? 'verifies' : 'DOES NOT VERIFY'}`;
  }
}

export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        name: { type: 'string' },
        'eth-key-file': { type: 'string' },
        entropy: { type: 'string' },
        replacement: { type: 'boolean' },
        'siwe-address': { type: 'string' },
        github: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    process.stderr.write(`ceremony contributor: ${(err as Error).message}\n`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(CONTRIBUTOR_USAGE);
    return 0;
  }
  if (values.url === undefined) {
    process.stderr.write(CONTRIBUTOR_USAGE);
    return 2;
  }
  const logins = [values.name, values['eth-key-file'], values['siwe-address'], values.github].filter((v) => v !== undefined && v !== false);
  if (logins.length > 1) {
    process.stderr.write('ceremony contributor: give one of --name, --eth-key-file, --siwe-address, --github\n');
    return 2;
  }
  if (values['siwe-address'] !== undefined && !isEthereumAddress(values['siwe-address'])) {
    process.stderr.write(`ceremony contributor: --siwe-address needs an Ethereum address (0x and 40 hex digits), not ${values['siwe-address']}\n`);
    return 2;
  }
  let ethereumKey = process.env['CEREMONY_ETH_KEY'];
  if (values['eth-key-file'] !== undefined) {
    try {
      ethereumKey = (await readFile(values['eth-key-file'], 'utf8')).trim();
    } catch (err) {
      process.stderr.write(`ceremony contributor: cannot read ${values['eth-key-file']}: ${(err as Error).message}\n`);
      return 2;
    }
  }
  if (ethereumKey !== undefined && !/^(0x)?[0-9a-fA-F]{64}$/.test(ethereumKey)) {
    process.stderr.write('ceremony contributor: the Ethereum key must be 32 bytes of hex\n');
    return 2;
  }
  const engine = await createEngine();
  if (await isRoundsCeremony(values.url)) {
    try {
      if (values.name === undefined) {
        process.stderr.write('ceremony contributor: a rounds ceremony needs --name (dev login)\n');
        return 2;
      }
      const result = await runRoundsContributor({
        url: values.url,
        engine,
        name: values.name,
        replacement: values.replacement === true,
        entropy: values.entropy,
        stop: values.replacement === true ? untilSignal().then(() => undefined) : undefined,
        onEvent: (e) => process.stderr.write(`[contributor] ${JSON.stringify(e)}\n`),
      });
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return result.outcome === 'dropped' || result.receipt?.valid === false ? 1 : 0;
    } catch (err) {
      process.stderr.write(`ceremony contributor: ${(err as Error).message}\n`);
      return 2;
    } finally {
      await engine.close();
    }
  }
  const say = (text: string): void => void process.stderr.write(`[contributor] ${text}\n`);
  const pasted = values['siwe-address'] === undefined ? undefined : stdinSigner(values['siwe-address'], process.stdin, (text) => process.stderr.write(`${text}\n`));
  let outcome;
  try {
    const value = await runContributor({
      url: values.url,
      engine,
      name: values.name,
      ethereumKey: pasted === undefined && values.github !== true ? ethereumKey : undefined,
      ...(pasted === undefined ? {} : { ethereum: pasted.signer }),
      ...(values.github === true ? { github: { onCode: (prompt) => say(describeDeviceCode(prompt)) } } : {}),
      entropy: values.entropy,
      onEvent: (event) => say(describe(event)),
    });
    outcome = contributorOutcome({ ok: true, value });
  } catch (error) {
    outcome = contributorOutcome({ ok: false, error });
  } finally {
    pasted?.lines.close();
    await engine.close();
  }
  if (outcome.stderr !== undefined) process.stderr.write(`ceremony contributor: ${outcome.stderr}\n`);
  if (outcome.stdout !== undefined) process.stdout.write(`${JSON.stringify(outcome.stdout)}\n`);
  return outcome.code;
}
