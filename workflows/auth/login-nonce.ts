// A spent Sign-In with Ethereum nonce. The API starts one of these, under an id derived from the nonce,
// when a login with that nonce succeeds; Temporal refuses a second start under the same id (reuse
// policy REJECT_DUPLICATE), so the set of spent nonces is shared by every API replica and a nonce logs
// in once. The workflow only waits until the nonce expires (after that the nonce itself is refused),
// so the Temporal UI lists each login's nonce as running until then, then completed.
import { sleep } from '@temporalio/workflow';

export interface SpentNonceInput {
  /** When the nonce expires, in milliseconds since the epoch. */
  expiresAt: number;
}

export async function spentLoginNonceWorkflow(input: SpentNonceInput): Promise<void> {
  const wait = input.expiresAt - Date.now();
  if (wait > 0) await sleep(wait);
}

/** The workflow id of a spent nonce: a hash of the nonce (computed by the caller), never the nonce itself. */
export function spentNonceWorkflowId(nonceSha256: string): string {
  return `login-nonce-${nonceSha256}`;
}
