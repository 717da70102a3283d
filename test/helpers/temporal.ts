// A real Temporal dev server for a test file, from the binary scripts/install-tools.sh built.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { toolPath } from '../../common/tools.js';

export async function startTemporal(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: toolPath('temporal') },
      ip: '127.0.0.1',
      log: { format: 'json', level: 'warn' },
    },
  });
}
