// `ceremony contributor --url URL [--name NAME | --eth-key-file FILE | --siwe-address ADDR | --github] [--entropy TEXT] [--receipt-out FILE]`:
// the reference contributor. Progress on stderr; the result as one JSON line on stdout. In a
// sequential ceremony it saves its receipt, checks it against the published key and prints an
// attestation to post.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { createEngine, type Engine } from '../../engine/context.js';
import { ApiError, requestJson, withRetries } from '../../client/http.js';
import { runContributor, type ContributorEvent, type ContributorResult } from '../../client/contributor.js';
import { contributorOutcome, describeDeviceCode, isEthereumAddress, stdinSigner } from '../../client/contributor-cli.js';
import { CONTRIBUTOR_EXIT } from '../../client/turned-away.js';
import { runRoundsContributor } from '../../client/rounds-contributor.js';
import { attestationText, jwsKeyId, receiptFileNames, writeNewFile } from '../attestation.js';
import { exitCode, helpFooter, programName } from '../kit.js';
import { Progress } from '../progress.js';
import { untilSignal } from '../signals.js';

/** The ceremony's mode, from /ceremony/info (answered from configuration; retried through outages). */
async function isRoundsCeremony(url: string): Promise<boolean> {
  const info = await withRetries(() => requestJson<{ mode?: string }>(url, '/ceremony/info', { timeoutMs: 30_000 }), true, { target: url });
  if (info.mode !== 'rounds' && info.mode !== 'sequential') throw new Error(`${url}/ceremony/info names no ceremony mode`);
  return info.mode === 'rounds';
}

function describe(event: ContributorEvent): string | undefined {
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
    case 'uploaded':
      return undefined;
    case 'accepted':
      return `accepted as contribution ${event.answer.sequence}; receipt ${event.answer.receiptId} ${event.receiptValid ? 'verifies' : 'DOES NOT VERIFY'}`;
  }
}

/** Every option of the contributor, declared here once; login options go beside --name. */
function declare() {
  return new Command('contributor')
    .summary('the reference contributor: log in, queue, contribute, save and verify the receipt')
    .description(
      'Takes part in a ceremony as one contributor: logs in, waits its turn (checking in on time), ' +
        'downloads the current powers, contributes, uploads, and checks the signed receipt against the ' +
        "coordinator's published key. It saves the receipt (receipt-<sequence>.json, or " +
        'round-<round>-receipt.json in a rounds ceremony) and prints an attestation to post (on stderr); ' +
        'stdout gets one JSON line with the result. In a rounds ceremony it needs --name.',
    )
    .requiredOption('--url <url>', 'the coordinator, e.g. https://ceremony.example.org')
    .option('--name <name>', 'log in with the dev provider under this name (test and demo stacks)')
    .option('--eth-key-file <file>', 'Sign-In with Ethereum with the private key in this file (32 bytes of hex); it also signs the pubkeys (EIP-712). Default: CEREMONY_ETH_KEY')
    .option(
      '--siwe-address <address>',
      'Sign-In with Ethereum without giving this program a key: it prints the SIWE message, you sign it in your own wallet and paste the signature on stdin; after computing it prints the EIP-712 typed data of your pubkeys and takes a pasted signature of it too (an empty line leaves it out), before the compute deadline',
    )
    .option('--github', "GitHub, through the coordinator's device flow: it prints a code and a URL; enter the code there and approve")
    .option('--entropy <text>', 'extra text mixed with the system CSPRNG')
    .option(
      '--receipt-out <file>',
      'where to save the receipt; an existing file is never overwritten (default: receipt-<sequence>.json here, round-<round>-receipt.json in a rounds ceremony, or the same with -2, -3, ... if taken)',
    )
    .option('--replacement', 'rounds: stand by as a replacement until interrupted');
}

type ContributorOptions = ReturnType<ReturnType<typeof declare>['opts']>;

export function contributorCommand(): CommandUnknownOpts {
  return helpFooter(
    declare().action(exitCode((options, command) => run(options, programName(command)))),
    [
      'contributor --url https://ceremony.example.org --github',
      'contributor --url https://ceremony.example.org --siwe-address 0xYourAddress',
      'contributor --url https://ceremony.example.org --eth-key-file ~/.ceremony/eth.key',
      'contributor --url http://127.0.0.1:8080 --name alice --receipt-out alice-receipt.json',
    ],
    [
      'Exit codes: 0 contributed and the receipt verifies; 1 refused by the coordinator or a receipt that does not',
      'verify (one JSON line on stdout); 2 usage, I/O or network; 3 turned away (dropped, banned, removed from',
      'the queue, the turn taken, or a penalty: the reason and until when are printed, and are in the JSON).',
      'While its turn runs it reads its participant record every few seconds and stops computing at once when the turn is gone.',
      'Environment: CEREMONY_ETH_KEY, an Ethereum private key (hex), when --eth-key-file is not given.',
    ],
  );
}

async function ethereumKeyOf(options: ContributorOptions): Promise<string | undefined> {
  let key = process.env['CEREMONY_ETH_KEY'];
  if (options.ethKeyFile !== undefined) {
    try {
      key = (await readFile(options.ethKeyFile, 'utf8')).trim();
    } catch (err) {
      throw new Error(`cannot read ${options.ethKeyFile}: ${(err as Error).message}`);
    }
  }
  if (key !== undefined && !/^(0x)?[0-9a-fA-F]{64}$/.test(key)) throw new Error('the Ethereum key must be 32 bytes of hex');
  return key;
}

async function run(options: ContributorOptions, program: string): Promise<number> {
  if (options.receiptOut !== undefined && existsSync(options.receiptOut)) {
    process.stderr.write(`ceremony contributor: ${options.receiptOut} exists; give --receipt-out a new file name (a receipt never overwrites a file)\n`);
    return 2;
  }
  const logins = [options.name, options.ethKeyFile, options.siweAddress, options.github].filter((v) => v !== undefined);
  if (logins.length > 1) {
    process.stderr.write('ceremony contributor: give one of --name, --eth-key-file, --siwe-address, --github\n');
    return 2;
  }
  if (options.siweAddress !== undefined && !isEthereumAddress(options.siweAddress)) {
    process.stderr.write(`ceremony contributor: --siwe-address needs an Ethereum address (0x and 40 hex digits, a valid EIP-55 checksum when mixed-case), not ${options.siweAddress}\n`);
    return 2;
  }
  let ethereumKey: string | undefined;
  try {
    ethereumKey = options.siweAddress === undefined && options.github !== true ? await ethereumKeyOf(options) : undefined;
  } catch (err) {
    process.stderr.write(`ceremony contributor: ${(err as Error).message}\n`);
    return 2;
  }
  const progress = new Progress('[contributor]');
  const engine = await createEngine({ onProgress: progress.engineListener() });
  let rounds = false;
  try {
    rounds = await isRoundsCeremony(options.url);
    return await (rounds ? runRounds(options, engine, progress, program) : runSequential(options, ethereumKey, engine, progress, program));
  } catch (err) {
    progress.finish();
    // A sequential coordinator's refusal is the result (exit 1); in a rounds ceremony it is an error.
    if (err instanceof ApiError && !rounds) {
      process.stdout.write(`${JSON.stringify({ accepted: false, code: err.code, message: err.message, details: err.details })}\n`);
      return 1;
    }
    process.stderr.write(`ceremony contributor: ${(err as Error).message}\n`);
    return 2;
  } finally {
    progress.finish();
    await engine.close();
  }
}

async function runRounds(options: ContributorOptions, engine: Engine, progress: Progress, program: string): Promise<number> {
  if (options.name === undefined) {
    process.stderr.write('ceremony contributor: a rounds ceremony needs --name (dev login)\n');
    return 2;
  }
  const result = await runRoundsContributor({
    url: options.url,
    engine,
    name: options.name,
    replacement: options.replacement === true,
    entropy: options.entropy,
    stop: options.replacement === true ? untilSignal().then(() => undefined) : undefined,
    onEvent: (e) => progress.say(JSON.stringify(e)),
  });
  const signed = result.receipt?.receipt as { jws?: unknown; payload?: { ceremonyId?: unknown; aggregatedSha256?: unknown } } | undefined;
  if (result.outcome !== 'done' || result.receipt === undefined || typeof signed?.jws !== 'string') {
    progress.finish();
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return result.outcome === 'dropped' || result.receipt?.valid === false ? 1 : 0;
  }
  // The round's receipt, saved and attested as a sequential one is.
  const { round, receiptId, valid } = result.receipt;
  const receiptFile = await saveReceipt(options, signed, receiptFileNames(`round-${round}-receipt.json`), receiptId, progress, valid);
  const attestation = attestationText({
    program,
    url: options.url,
    ceremonyId: String(signed.payload?.ceremonyId ?? ''),
    identity: `dev|${options.name}`,
    round,
    aggregatedSha256: String(signed.payload?.aggregatedSha256 ?? ''),
    receiptId,
    keyFingerprint: jwsKeyId(signed.jws),
    receiptFile,
  });
  progress.finish();
  if (valid) process.stderr.write(`\nattestation (post it):\n\n${attestation}\n\n`);
  process.stdout.write(`${JSON.stringify({ ...result, receiptFile, attestation: valid ? attestation : undefined })}\n`);
  return valid ? 0 : 1;
}

/**
 * Saves the receipt to --receipt-out or the first free default name; a receipt that cannot be written
 * is printed instead (the contribution is accepted whatever happens to the file; the receipt stays at
 * GET /receipts/{id}). Returns where it is.
 */
async function saveReceipt(options: ContributorOptions, receipt: unknown, defaults: Iterable<string>, receiptId: string, progress: Progress, valid: boolean): Promise<string> {
  try {
    const file = await writeNewFile(options.receiptOut !== undefined ? [options.receiptOut] : defaults, `${JSON.stringify(receipt)}\n`);
    progress.say(`saved the receipt to ${file}; it ${valid ? 'verifies' : 'DOES NOT VERIFY'} against the key the coordinator publishes`);
    return file;
  } catch (err) {
    const url = `${options.url}/receipts/${receiptId}`;
    progress.say(`could not save the receipt (${(err as Error).message}); here it is, and it stays at ${url}:\n${JSON.stringify(receipt)}`);
    return url;
  }
}

async function runSequential(options: ContributorOptions, ethereumKey: string | undefined, engine: Engine, progress: Progress, program: string): Promise<number> {
  let downloaded = 0;
  const pasted = options.siweAddress === undefined ? undefined : stdinSigner(options.siweAddress, process.stdin, (text) => process.stderr.write(`${text}\n`));
  let result: ContributorResult;
  try {
    result = await runContributor({
      url: options.url,
      engine,
      name: options.name,
      ethereumKey,
      ...(pasted === undefined ? {} : { ethereum: pasted.signer }),
      ...(options.github === true ? { github: { onCode: (prompt) => progress.say(describeDeviceCode(prompt)) } } : {}),
      entropy: options.entropy,
      onEvent: (event) => {
        if (event.kind === 'started') progress.say(`downloaded the current powers (${downloaded} bytes)`);
        const line = describe(event);
        if (line !== undefined) progress.say(line);
        if (event.kind === 'uploaded') progress.wait('uploaded; the coordinator is verifying the contribution');
      },
      onTransfer: ({ direction, done, total }) => {
        const task = direction === 'download' ? 'download the current powers' : 'upload the contribution';
        if (direction === 'download') downloaded = done;
        if (total !== undefined) progress.update(task, done, total, 'bytes');
        else progress.tally(task, done, 'bytes');
      },
    });
  } catch (error) {
    // Turned away (exit 3, with the reason), refused (exit 1) or failed (exit 2).
    progress.finish();
    const outcome = contributorOutcome({ ok: false, error });
    if (outcome.stderr !== undefined) process.stderr.write(`ceremony contributor: ${outcome.stderr}\n`);
    if (outcome.stdout !== undefined) process.stdout.write(`${JSON.stringify(outcome.stdout)}\n`);
    return outcome.code;
  } finally {
    pasted?.lines.close();
  }
  const { receipt, ...summary } = result;
  const receiptFile = await saveReceipt(options, receipt, receiptFileNames(`receipt-${result.sequence}.json`), result.receiptId, progress, result.receiptValid);
  const attestation = attestationText({
    program,
    url: options.url,
    ceremonyId: receipt.payload.ceremonyId,
    identity: result.participantId,
    sequence: result.sequence,
    transcriptSha256: result.transcriptSha256,
    receiptId: result.receiptId,
    keyFingerprint: jwsKeyId(receipt.jws),
    receiptFile,
  });
  progress.finish();
  if (result.receiptValid) process.stderr.write(`\nattestation (post it):\n\n${attestation}\n\n`);
  process.stdout.write(`${JSON.stringify({ ...summary, receiptFile, attestation: result.receiptValid ? attestation : undefined })}\n`);
  return result.receiptValid ? CONTRIBUTOR_EXIT.accepted : CONTRIBUTOR_EXIT.notAccepted;
}
