// The workflow code as one bundle. `npm run setup` (and the image build) prebuild it into
// .build/workflow-bundle/ with a digest of the sources it may hold; a workflow worker loads that
// bundle when the digest still matches the sources, and bundles at start otherwise (a developer who
// edited a workflow), saying so.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { repoRoot } from '../common/tools.js';

export const workflowsPath = path.join(repoRoot, 'workflows', 'index.ts');
export const PREBUILT_DIR = path.join(repoRoot, '.build', 'workflow-bundle');

/** Every folder workflow code imports from (directly or through what it imports): their sources make the digest. */
const SOURCE_DIRS = ['workflows', 'common', 'engine', 'store', 'activities'];

const noop = (): void => undefined;
const quietBundlerLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await sourceFiles(full)));
    else if (/\.(ts|mjs|js|json)$/.test(entry.name)) files.push(full);
  }
  return files;
}

/**
 * SHA-256 over the names and contents of every source the bundle may hold, and the lock file (the
 * bundle holds packages too: @temporalio/workflow, @temporalio/common and what they import).
 */
export async function workflowSourceDigest(root = repoRoot): Promise<string> {
  const hash = createHash('sha256');
  const files = (await Promise.all(SOURCE_DIRS.map((dir) => sourceFiles(path.join(root, dir))))).flat().sort();
  for (const file of [...files, path.join(root, 'package-lock.json')]) {
    hash
      .update(path.relative(root, file))
      .update('\0')
      .update(await readFile(file))
      .update('\0');
  }
  return hash.digest('hex');
}

export function bundleNow(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger });
}

/** Builds the bundle into `dir` with the digest of the sources it was made from. */
export async function prebuildWorkflowBundle(dir = PREBUILT_DIR): Promise<{ digest: string; bytes: number }> {
  const [digest, bundle] = await Promise.all([workflowSourceDigest(), bundleNow()]);
  // A fresh folder, readable by whoever runs the workers (the image's unprivileged user).
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o755 });
  await writeFile(path.join(dir, 'bundle.js'), bundle.code, { mode: 0o644 });
  await writeFile(path.join(dir, 'bundle.js.map'), bundle.sourceMap, { mode: 0o644 });
  // The digest last, renamed into place: a bundle without its digest is never taken.
  await writeFile(path.join(dir, 'digest.tmp'), digest, { mode: 0o644 });
  await rename(path.join(dir, 'digest.tmp'), path.join(dir, 'digest'));
  return { digest, bytes: bundle.code.length };
}

/** The prebuilt bundle when its digest matches the sources as they are; undefined otherwise (or when it cannot be read). */
export async function prebuiltWorkflowBundle(dir = PREBUILT_DIR): Promise<WorkflowBundleWithSourceMap | undefined> {
  try {
    const recorded = await readFile(path.join(dir, 'digest'), 'utf8');
    if (recorded.trim() !== (await workflowSourceDigest())) return undefined;
    const [code, sourceMap] = await Promise.all([readFile(path.join(dir, 'bundle.js'), 'utf8'), readFile(path.join(dir, 'bundle.js.map'), 'utf8')]);
    return { code, sourceMap };
  } catch {
    return undefined;
  }
}
