export { sequentialCeremonyWorkflow, ceremonyWorkflowId, turnWorkflowIdFor, MAX_JOIN_BATCH } from './ceremony.js';
export { participantWorkflow } from './participant.js';
export { turnWorkflow } from './turn.js';
