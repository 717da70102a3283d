// Every workflow type the workflow worker registers.
export { smokeWorkflow } from './smoke.js';
