// Every workflow type the workflow worker registers.
export { smokeWorkflow } from './smoke.js';
export { sequentialCeremonyWorkflow, participantWorkflow, turnWorkflow } from './sequential/index.js';
export { coordinatorPulseWorkflow } from './availability/coordinator-pulse.js';
export { roundsCeremonyWorkflow, roundWorkflow } from './rounds/index.js';
export { spentLoginNonceWorkflow } from './auth/login-nonce.js';
export { recordsLedgerWorkflow } from './evidence/records-ledger.js';
