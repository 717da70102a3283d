// The prebuilt workflow bundle (#13): built with the digest of its sources, loaded while that digest
// matches, ignored once a source changes (the worker then bundles at start).
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { repoRoot } from '../../common/tools.js';
import { prebuildWorkflowBundle, prebuiltWorkflowBundle, workflowSourceDigest } from '../../runtime/workflow-bundle.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'workflow-bundle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('is loaded while its digest matches the sources, and not once the digest differs', async () => {
  const out = path.join(dir, 'bundle');
  const built = await prebuildWorkflowBundle(out);
  expect(built.digest).toBe(await workflowSourceDigest());
  const loaded = await prebuiltWorkflowBundle(out);
  expect(loaded?.code).toBe(await readFile(path.join(out, 'bundle.js'), 'utf8'));
  expect(loaded?.code).toContain('sequentialCeremonyWorkflow');
  await writeFile(path.join(out, 'digest'), 'f'.repeat(64));
  expect(await prebuiltWorkflowBundle(out)).toBeUndefined();
  expect(await prebuiltWorkflowBundle(path.join(dir, 'nothing-here'))).toBeUndefined();
});

it('has a digest that changes with any source a workflow may import, and with the lock file', async () => {
  const root = path.join(dir, 'root');
  await mkdir(path.join(root, 'workflows'), { recursive: true });
  await mkdir(path.join(root, 'common'), { recursive: true });
  await cp(path.join(repoRoot, 'package-lock.json'), path.join(root, 'package-lock.json'));
  await writeFile(path.join(root, 'workflows', 'a.ts'), 'export const a = 1;\n');
  await writeFile(path.join(root, 'common', 'b.ts'), 'export const b = 1;\n');
  const first = await workflowSourceDigest(root);
  await writeFile(path.join(root, 'common', 'b.ts'), 'export const b = 2;\n');
  const second = await workflowSourceDigest(root);
  expect(second).not.toBe(first);
  await writeFile(path.join(root, 'package-lock.json'), '{"lockfileVersion": 3}');
  expect(await workflowSourceDigest(root)).not.toBe(second);
});
