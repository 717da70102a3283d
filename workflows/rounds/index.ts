export { roundsCeremonyWorkflow, roundsCeremonyWorkflowId, roundWorkflowId } from './ceremony.js';
export { roundWorkflow } from './round.js';
