// The contribution worker: parses the powers the coordinator handed out, checks every point as the
// engine does (curve and subgroup), multiplies them by powers of fresh secrets on a pool of task
// workers, signs the identity, and serialises the contribution. The secrets never leave it.
import type { Engine } from '../../../engine/context.js';
import { createWasmBackend } from '../../../engine/curve/wasm-backend.js';
import { InvalidInputError } from '../../../engine/errors.js';
import { parseBatchContribution } from '../../../engine/format/parse-contribution.js';
import { serializeBatchContribution } from '../../../engine/format/serialize.js';
import type { BatchContribution } from '../../../engine/format/types.js';
import { resolveLimits } from '../../../engine/limits.js';
import { contribute } from '../../../engine/ops/contribute.js';
import { identitySigner } from '../../../client/identity-signer.js';
import { browserTaskPool } from './browser-pool.js';
import type { ContributionReply, ContributionRequest, WorkerScope } from './messages.js';

const scope = self as unknown as WorkerScope<ContributionRequest, ContributionReply>;
let computed: BatchContribution | undefined;

async function compute(request: Extract<ContributionRequest, { kind: 'contribute' }>): Promise<void> {
  const began = performance.now();
  const pool = browserTaskPool(Math.max(1, request.threads));
  const engine: Engine = {
    backend: await createWasmBackend(),
    runner: pool,
    limits: resolveLimits(),
    progress: (phase, done, total) => scope.postMessage({ kind: 'progress', phase, done, total }),
    close: () => pool.close(),
  };
  try {
    const input = parseBatchContribution(request.powers, engine.limits);
    computed = await contribute(engine, input, { entropy: request.entropy, signIdentity: identitySigner(request.identity) });
    const potPubkeys = computed.contributions.map((c) => ({ numG1Powers: c.numG1Powers, numG2Powers: c.numG2Powers, potPubkey: c.potPubkey ?? '' }));
    scope.postMessage({ kind: 'computed', potPubkeys, ms: Math.round(performance.now() - began) });
  } finally {
    request.entropy.fill(0);
    await engine.close();
  }
}

function fail(err: unknown): void {
  const code = err instanceof InvalidInputError ? err.code : 'COMPUTE_FAILED';
  scope.postMessage({ kind: 'failed', code, message: err instanceof Error ? err.message : String(err) });
}

scope.onmessage = (event) => {
  const request = event.data;
  if (request.kind === 'contribute') {
    compute(request).catch(fail);
    return;
  }
  if (computed === undefined) {
    fail(new Error('nothing has been computed yet'));
    return;
  }
  scope.postMessage({ kind: 'serialized', json: serializeBatchContribution({ ...computed, ecdsaSignature: request.ecdsaSignature }) });
};
