// `ceremony contributor` logging in without a key on this machine, run as a person would (the real CLI
// process, against the real stack): GitHub through the device flow (a loopback stand-in speaks
// GitHub's protocol), and Sign-In with Ethereum with signatures pasted on stdin (the test plays the
// person's wallet with a test key). Every bad input is refused with the reason: a pasted line that is
// no signature, a signature by another address, no signature at all, an address that is none. And a
// participant dropped while its client waits for the pasted EIP-712 signature: the client stops at
// once, prints the reason, and exits with the turned-away exit code.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIWE_BEGIN, SIWE_END, TYPED_DATA_BEGIN, TYPED_DATA_END } from '../../client/ethereum-signer.js';
import { CONTRIBUTOR_EXIT } from '../../client/turned-away.js';
import { signEcdsa, type PotPubkeyEntry } from '../../engine/identity/pot-typed-data.js';
import { privateKeyToAddress } from '../../engine/identity/secp256k1.js';
import { signSiwe } from '../../identity/siwe.js';
import { interactiveCeremonyCli, type CliResult, type InteractiveCli } from '../helpers/cli.js';
import { githubDeviceAuth, OCTOCAT, startGithubDeviceStandIn, type GithubDeviceStandIn } from '../helpers/github-device-stand-in.js';
import { devParticipant, untilIdle } from '../helpers/sequential.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
let github: GithubDeviceStandIn;
let adminToken: string;

beforeAll(async () => {
  github = await startGithubDeviceStandIn();
  stack = await startTestStack({
    ceremony: { sizes: [{ numG1Powers: 8, numG2Powers: 3 }] },
    auth: { admins: ['dev|root'], rateLimits: { enabled: false }, github: githubDeviceAuth(github) },
  });
  adminToken = (await devParticipant(stack.url, 'root')).token ?? '';
});

afterAll(async () => {
  await stack?.stop();
  await github?.close();
});

const newKey = (): string => `0x${randomBytes(32).toString('hex')}`;

function between(text: string, begin: string, end: string): string {
  const from = text.lastIndexOf(begin);
  const to = text.indexOf(end, from);
  return text.slice(from + begin.length + 1, to - 1);
}

/** Waits for the SIWE message the CLI prints; answers its text. */
async function siweMessage(cli: InteractiveCli): Promise<string> {
  await cli.waitForStderr(new RegExp(SIWE_END));
  return between(cli.stderr(), SIWE_BEGIN, SIWE_END);
}

/** Waits for the EIP-712 typed data the CLI prints; answers the pubkeys it carries. */
async function typedDataPubkeys(cli: InteractiveCli): Promise<PotPubkeyEntry[]> {
  await cli.waitForStderr(new RegExp(TYPED_DATA_END));
  const typed = JSON.parse(between(cli.stderr(), TYPED_DATA_BEGIN, TYPED_DATA_END)) as { primaryType: string; message: { potPubkeys: PotPubkeyEntry[] } };
  expect(typed.primaryType).toBe('PoTPubkeys');
  return typed.message.potPubkeys;
}

function outcome(result: CliResult): Record<string, unknown> {
  const lines = result.stdout.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  return JSON.parse(lines[0] as string) as Record<string, unknown>;
}

async function lastEcdsaSignature(): Promise<string | undefined> {
  const transcript = (await (await fetch(`${stack.url}/transcript`)).json()) as { participantEcdsaSignatures: string[] };
  return transcript.participantEcdsaSignatures.at(-1);
}

describe('ceremony contributor --github', () => {
  it('prints the code and the URL, polls until the person approves, and contributes as git|<id>|@<login>', async () => {
    await untilIdle(stack);
    github.next = { script: ['authorization_pending', 'approve'], user: OCTOCAT };
    const cli = interactiveCeremonyCli(['contributor', '--url', stack.url, '--github']);
    const shown = await cli.waitForStderr(/open (\S+) and enter the code (\S+)/);
    expect(shown[1]).toBe('https://github.com/login/device');
    expect([...github.codes.values()].map((c) => c.userCode)).toContain(shown[2]);
    const result = await cli.done;
    expect(result.code, result.stderr).toBe(CONTRIBUTOR_EXIT.accepted);
    expect(outcome(result)).toMatchObject({ participantId: 'git|583231|@octocat', receiptValid: true });
  });

  it('exits 1 with the refusal when the person denies the login', async () => {
    github.next = { script: ['access_denied'], user: OCTOCAT };
    const result = await interactiveCeremonyCli(['contributor', '--url', stack.url, '--github']).done;
    expect(result.code, result.stderr).toBe(CONTRIBUTOR_EXIT.notAccepted);
    expect(outcome(result)).toMatchObject({ accepted: false, code: 'LOGIN_REJECTED', details: { reason: 'OAUTH_DENIED' } });
  });
});

describe('ceremony contributor --siwe-address (signatures pasted on stdin)', () => {
  it('logs in with the pasted SIWE signature and uploads the pasted EIP-712 signature, each checked first', async () => {
    await untilIdle(stack);
    const key = newKey();
    const address = privateKeyToAddress(key);
    const cli = interactiveCeremonyCli(['contributor', '--url', stack.url, '--siwe-address', address.toLowerCase()]);
    const message = await siweMessage(cli);
    expect(message).toContain(`\n${address}\n`);
    cli.writeLine(signSiwe(key, message));
    const pubkeys = await typedDataPubkeys(cli);
    // A signature by another key is refused, with whose it is; the right one is then taken.
    const other = newKey();
    cli.writeLine(signEcdsa(other, pubkeys));
    await cli.waitForStderr(new RegExp(`that signature is by ${privateKeyToAddress(other)}, not ${address}; paste the signature again`));
    const ecdsa = signEcdsa(key, pubkeys);
    cli.writeLine(ecdsa);
    const result = await cli.done;
    expect(result.code, result.stderr).toBe(CONTRIBUTOR_EXIT.accepted);
    expect(outcome(result)).toMatchObject({ participantId: `eth|${address.toLowerCase()}`, receiptValid: true });
    expect(await lastEcdsaSignature()).toBe(ecdsa);
  });

  it('an empty line leaves the ECDSA signature out; the contribution still counts', async () => {
    await untilIdle(stack);
    const key = newKey();
    const cli = interactiveCeremonyCli(['contributor', '--url', stack.url, '--siwe-address', privateKeyToAddress(key)]);
    cli.writeLine(signSiwe(key, await siweMessage(cli)));
    await typedDataPubkeys(cli);
    cli.writeLine('0xnot-a-signature');
    await cli.waitForStderr(/that is not a signature/);
    cli.writeLine('');
    const result = await cli.done;
    expect(result.code, result.stderr).toBe(CONTRIBUTOR_EXIT.accepted);
    expect(await lastEcdsaSignature()).toBe('');
  });

  it('refuses a pasted line that is no signature, and one by another address; no signature at all: exit 2, not logged in', async () => {
    const key = newKey();
    const address = privateKeyToAddress(key);
    const cli = interactiveCeremonyCli(['contributor', '--url', stack.url, '--siwe-address', address]);
    const message = await siweMessage(cli);
    cli.writeLine('0x1234');
    await cli.waitForStderr(/that is not a signature \(.*\); paste the signature again \(an empty line gives up\)/);
    const other = newKey();
    cli.writeLine(signSiwe(other, message));
    await cli.waitForStderr(new RegExp(`that signature is by ${privateKeyToAddress(other)}, not ${address}`));
    cli.endInput();
    const result = await cli.done;
    expect(result.code).toBe(CONTRIBUTOR_EXIT.failed);
    expect(result.stderr).toMatch(/no signature of the login message was given; not logged in/);
    expect(result.stderr).not.toMatch(/logged in as/);
  });

  it('refuses an address that is none (or whose EIP-55 checksum is wrong) before doing anything', async () => {
    // A fixed key: its address has lower- and upper-case letters, so changing the case of one breaks the checksum.
    const address = privateKeyToAddress(`0x${'11'.repeat(32)}`);
    const badChecksum = address.replace(/[a-f]/, (c) => c.toUpperCase());
    expect(badChecksum).not.toBe(address);
    for (const bad of ['0x1234', 'alice', badChecksum]) {
      const result = await interactiveCeremonyCli(['contributor', '--url', stack.url, '--siwe-address', bad]).done;
      expect(result.code, bad).toBe(CONTRIBUTOR_EXIT.failed);
      expect(result.stderr).toMatch(/--siwe-address needs an Ethereum address/);
    }
    const both = await interactiveCeremonyCli(['contributor', '--url', stack.url, '--siwe-address', address, '--github']).done;
    expect(both.code).toBe(CONTRIBUTOR_EXIT.failed);
    expect(both.stderr).toMatch(/give one of/);
  });

  it('dropped while it waits for the pasted EIP-712 signature: stops at once, prints why, exits 3', async () => {
    await untilIdle(stack);
    const key = newKey();
    const identity = `eth|${privateKeyToAddress(key).toLowerCase()}`;
    const cli = interactiveCeremonyCli(['contributor', '--url', stack.url, '--siwe-address', privateKeyToAddress(key)]);
    cli.writeLine(signSiwe(key, await siweMessage(cli)));
    await typedDataPubkeys(cli);
    const drop = await fetch(`${stack.url}/admin/drop`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ identity, reason: 'testing drops' }),
    });
    expect(drop.status).toBe(200);
    // No signature is ever pasted: the client notices the drop by itself.
    const result = await cli.done;
    expect(result.code, result.stderr).toBe(CONTRIBUTOR_EXIT.turnedAway);
    expect(result.stderr).toMatch(
      /turned away: the turn was taken from us and we stopped at once; an administrator removed you from the queue or from your turn \(reason: testing drops\) \[dropped\]/,
    );
    expect(outcome(result)).toMatchObject({ accepted: false, turnedAway: true, reason: { code: 'dropped', detail: 'testing drops' } });
  });
});
