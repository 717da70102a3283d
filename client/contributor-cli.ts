// What `ceremony contributor` needs beyond runContributor, kept out of the command so its option
// parsing stays small: the help text with the exit codes, the pasted-signature signer on stdin, the
// GitHub code shown to the person, and the mapping of an outcome to output and exit code.
import { isValidAddress } from '../engine/identity/eip55.js';
import type { ContributorResult } from './contributor.js';
import { pastedSigner, NoSignatureError, type EthereumSigner } from './ethereum-signer.js';
import type { DeviceCodePrompt } from './github-device.js';
import { ApiError } from './http.js';
import { lineReader, type LineReader } from './line-reader.js';
import { CONTRIBUTOR_EXIT, describeTurnedAway, TurnedAwayError } from './turned-away.js';

export const CONTRIBUTOR_USAGE = `usage: ceremony contributor --url URL [LOGIN] [--entropy TEXT]

LOGIN (one of; default: a random dev name):
  --name NAME              dev login (coordinators with auth.dev.enabled)
  --eth-key-file FILE      Sign-In with Ethereum with the key in FILE (or CEREMONY_ETH_KEY); it also
                           signs the pubkeys (EIP-712)
  --siwe-address 0xADDR    Sign-In with Ethereum without giving this program a key: it prints the SIWE
                           message, you sign it in your own wallet and paste the signature on stdin;
                           after computing it prints the EIP-712 typed data of your pubkeys and takes
                           a pasted signature of it too (an empty line leaves it out), which must come
                           before the turn's compute deadline. Each signature is checked against the
                           address before it is used.
  --github                 GitHub, through the coordinator's device flow: it prints a code and a URL;
                           enter the code there and approve; it logs in once you have

A rounds ceremony takes the dev login (--name) only, and --replacement to stand by as a replacement.

Progress on stderr, the outcome as JSON on stdout. While its turn runs it reads its participant
record every few seconds and stops computing at once when the turn is taken from it.

exit codes:
  0  contributed: the contribution was accepted and its receipt verifies
  1  not accepted: the coordinator refused the contribution, or its receipt does not verify
  2  could not run: bad arguments or input, no signature given, the coordinator unreachable
  3  turned away: dropped, banned or removed from the queue, the turn taken (missed deadline),
     or a penalty; the reason (and until when) is printed, and is in the JSON on stdout
`;

/** 0x and 40 hex digits (any case; a mixed-case address must carry a valid EIP-55 checksum). */
export function isEthereumAddress(text: string): boolean {
  return isValidAddress(text);
}

/** The signer for --siwe-address: prompts through `show`, signatures read from `input`, one a line. */
export function stdinSigner(address: string, input: NodeJS.ReadableStream, show: (text: string) => void): { signer: EthereumSigner; lines: LineReader } {
  const lines = lineReader(input);
  return { signer: pastedSigner({ address, show, readLine: () => lines.next() }), lines };
}

/** What the person is told to do for a GitHub device login. */
export function describeDeviceCode(prompt: DeviceCodePrompt): string {
  return `to log in with GitHub, open ${prompt.verificationUri} and enter the code ${prompt.userCode} (valid until ${new Date(prompt.expiresAt).toISOString()}); waiting for you to approve it`;
}

export interface Outcome {
  code: number;
  /** The JSON line for stdout, if any. */
  stdout?: unknown;
  /** The line for stderr, if any. */
  stderr?: string;
}

/** The exit code and output of a run: its result, or how it failed. */
export function contributorOutcome(result: { ok: true; value: Omit<ContributorResult, 'receipt'> } | { ok: false; error: unknown }): Outcome {
  if (result.ok) return { code: result.value.receiptValid ? CONTRIBUTOR_EXIT.accepted : CONTRIBUTOR_EXIT.notAccepted, stdout: result.value };
  const err = result.error;
  if (err instanceof TurnedAwayError) {
    return { code: CONTRIBUTOR_EXIT.turnedAway, stdout: { accepted: false, turnedAway: true, refusal: err.refusal, reason: err.reason }, stderr: describeTurnedAway(err) };
  }
  if (err instanceof ApiError) return { code: CONTRIBUTOR_EXIT.notAccepted, stdout: { accepted: false, code: err.code, message: err.message, details: err.details } };
  if (err instanceof NoSignatureError) return { code: CONTRIBUTOR_EXIT.failed, stderr: err.message };
  return { code: CONTRIBUTOR_EXIT.failed, stderr: err instanceof Error ? err.message : String(err) };
}
