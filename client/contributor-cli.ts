// What `ceremony contributor` needs beyond runContributor, kept out of the command so its option
// parsing stays small: the pasted-signature signer on stdin, the
// GitHub code shown to the person, and the mapping of an outcome to output and exit code.
import { isValidAddress } from '../engine/identity/eip55.js';
import type { ContributorResult } from './contributor.js';
import { pastedSigner, NoSignatureError, type EthereumSigner } from './ethereum-signer.js';
import type { DeviceCodePrompt } from './github-device.js';
import { ApiError } from './http.js';
import { lineReader, type LineReader } from './line-reader.js';
import { CONTRIBUTOR_EXIT, describeTurnedAway, TurnedAwayError } from './turned-away.js';

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
