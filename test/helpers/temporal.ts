// A real Temporal dev server for a test file, from the binary scripts/install-tools.sh built.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { toolPath } from '../../common/tools.js';
import { createLogger } from '../../common/logger.js';
import { installTemporalRuntime } from '../../runtime/temporal-runtime.js';

export async function startTemporal(extraArgs: string[] = []): Promise<TestWorkflowEnvironment> {
  installTemporalRuntime(createLogger(process.env['TEST_LOG_LEVEL'] === undefined ? 'warn' : (process.env['TEST_LOG_LEVEL'] as 'info')));
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: toolPath('temporal') },
      ip: '127.0.0.1',
      log: { format: 'json', level: 'warn' },
      extraArgs,
    },
  });
}
