// What the page and its contribution worker say to each other. The worker computes; the page never
// holds a secret.

export interface PotPubkeyEntry {
  numG1Powers: number;
  numG2Powers: number;
  potPubkey: string;
}

/** Page → worker. */
export type ContributionRequest =
  /** Contribute to `powers` (the BatchContribution JSON the coordinator handed out). */
  | { kind: 'contribute'; powers: string; entropy: Uint8Array; identity: string; threads: number }
  /** The contribution as JSON, with the wallet's EIP-712 signature of the pubkeys ('' for none). */
  | { kind: 'serialize'; ecdsaSignature: string };

/** Worker → page. */
export type ContributionReply =
  | { kind: 'progress'; phase: string; done: number; total: number }
  | { kind: 'computed'; potPubkeys: PotPubkeyEntry[]; ms: number }
  | { kind: 'serialized'; json: string }
  | { kind: 'failed'; code: string; message: string };

/** The dedicated-worker global scope, typed for the messages it carries (the page's lib is DOM's). */
export interface WorkerScope<In, Out> {
  onmessage: ((event: MessageEvent<In>) => void) | null;
  postMessage(message: Out, transfer?: Transferable[]): void;
}
