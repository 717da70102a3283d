// The workflow code of a release before today's patches, for the upgrade test: the current workflow code
// bundled with `@temporalio/workflow` replaced by ./unpatched-workflow-api.ts, whose patched() answers
// false without a marker. Each `if (patched(id)) { new } else { old }` then runs its old branch, which is
// by construction the code before that patch, and its histories are those the earlier release wrote.
import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { repoRoot } from '../../common/tools.js';
import { workflowsPath } from '../../runtime/workflow-bundle.js';

const SHIM = path.join(repoRoot, 'test', 'helpers', 'unpatched-workflow-api.ts');

const noop = (): void => undefined;
const quiet = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

export function unpatchedWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath,
    logger: quiet,
    webpackConfigHook: (config) => {
      const alias = config.resolve?.alias ?? {};
      if (Array.isArray(alias)) throw new Error('the bundler gave its aliases as a list; this helper expects an object');
      // `$`: the bare module name only. The shim's own import of the package's lib path, and the SDK's
      // imports of its internals, stay on the package.
      return { ...config, resolve: { ...config.resolve, alias: { ...alias, '@temporalio/workflow$': SHIM } } };
    },
  });
}
