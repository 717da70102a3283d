export { sequentialCeremonyWorkflow, ceremonyWorkflowId, turnWorkflowIdFor } from './ceremony.js';
export { participantWorkflow } from './participant.js';
export { turnWorkflow } from './turn.js';
