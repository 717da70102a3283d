// Paths of the tools that scripts/install-tools.sh builds into .tools/bin.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The Go-built tools scripts/install-tools.sh puts in .tools/bin. */
export type ToolName = 'temporal' | 'minio' | 'helm' | 'promtool';

export function toolPath(name: ToolName): string {
  const dir = process.env['CEREMONY_TOOLS_DIR'] ?? path.join(repoRoot, '.tools');
  return path.join(dir, 'bin', name);
}

export function requireTool(name: ToolName, explicit?: string): string {
  const file = explicit ?? toolPath(name);
  if (!existsSync(file)) {
    throw new Error(`${name} is not installed at ${file}; run 'bash scripts/install-tools.sh ${name}' (needs Go) first`);
  }
  return file;
}
