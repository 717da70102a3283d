// Runs once before the suite: the tools the integration tests start must be installed.
import { existsSync } from 'node:fs';
import { toolPath } from '../../common/tools.js';

export default function setup(): void {
  const missing = (['temporal', 'minio'] as const).filter((name) => !existsSync(toolPath(name)));
  if (missing.length > 0) {
    throw new Error(`missing tools: ${missing.join(', ')}; run 'bash scripts/install-tools.sh' (the README's test command does)`);
  }
}
