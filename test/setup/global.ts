// Runs once before the suite: the Temporal CLI that nearly every integration test starts must be
// installed (the MinIO helper checks for its own binary when a test asks for it), and the web front
// is built from the sources as they are now (the browser tests and the API serve it).
import { existsSync } from 'node:fs';
import { toolPath } from '../../common/tools.js';
import { buildWebFront } from '../../web/build.js';

export default async function setup(): Promise<void> {
  await buildWebFront();
  const missing = (['temporal'] as const).filter((name) => !existsSync(toolPath(name)));
  if (missing.length > 0) {
    throw new Error(`missing tools: ${missing.join(', ')}; run 'bash scripts/install-tools.sh' (the README's test command does)`);
  }
}
