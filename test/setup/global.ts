// Runs once before the suite: the Temporal CLI that nearly every integration test starts must be
// installed (the MinIO helper checks for its own binary when a test asks for it).
import { existsSync } from 'node:fs';
import { toolPath } from '../../common/tools.js';

export default function setup(): void {
  const missing = (['temporal'] as const).filter((name) => !existsSync(toolPath(name)));
  if (missing.length > 0) {
    throw new Error(`missing tools: ${missing.join(', ')}; run 'bash scripts/install-tools.sh' (the README's test command does)`);
  }
}
