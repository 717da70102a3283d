// Every workflow type the workflow worker registers.
export { smokeWorkflow } from './smoke.js';
export { sequentialCeremonyWorkflow, participantWorkflow, turnWorkflow, lobbyShardWorkflow } from './sequential/index.js';
export { roundsCeremonyWorkflow, roundWorkflow } from './rounds/index.js';
export { spentLoginNonceWorkflow } from './auth/login-nonce.js';
export { recordsLedgerWorkflow } from './evidence/records-ledger.js';
