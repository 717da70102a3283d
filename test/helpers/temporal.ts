// A real Temporal dev server for a test file, from the binary scripts/install-tools.sh built.
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { toolPath } from '../../common/tools.js';
import { createLogger } from '../../common/logger.js';
import { installTemporalRuntime } from '../../runtime/temporal-runtime.js';
import { devServerSearchAttributeArgs } from '../../common/search-attributes.js';

export async function startTemporal(extraArgs: string[] = []): Promise<TestWorkflowEnvironment> {
  installTemporalRuntime(createLogger(process.env['TEST_LOG_LEVEL'] === undefined ? 'warn' : (process.env['TEST_LOG_LEVEL'] as 'info')));
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: toolPath('temporal') },
      ip: '127.0.0.1',
      log: { format: 'json', level: 'warn' },
      // The ceremony's search attributes, as the embedded dev server registers them.
      extraArgs: [...devServerSearchAttributeArgs(), ...extraArgs],
    },
  });
}

// Whether a workflow has continued as new at least once. Read from the execution itself (describe is
// consistent), not from the visibility store, whose listings may lag the history by a moment.
export async function hasContinuedAsNew(client: Client, workflowId: string): Promise<boolean> {
  const described = await client.workflow.getHandle(workflowId).describe();
  const firstRunId = described.raw.workflowExecutionInfo?.firstRunId ?? '';
  if (firstRunId === '') throw new Error(`${workflowId}: the server did not report its first run id`);
  return firstRunId !== described.runId;
}
