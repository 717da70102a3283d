// `@temporalio/workflow` as the workflow code saw it before any of today's patches existed: everything
// the package exports, except that patched() answers false and records no marker, and deprecatePatch()
// does nothing. Only unpatchedWorkflowBundle (./unpatched-workflow.ts) puts it in place of the package,
// for the workflow code's own imports; it reaches the package itself by its lib path, which that alias
// does not touch.
export * from '@temporalio/workflow/lib/index.js';

/** The code before the patch: its else branch, with no marker in the history. */
export function patched(_patchId: string): boolean {
  return false;
}

export function deprecatePatch(_patchId: string): void {
  // Nothing before the patch recorded anything.
}
