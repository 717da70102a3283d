// Every committed history (test/fixtures/histories, captured from real runs of both modes by
// scripts/capture-histories.ts) replays against the current workflow code, as a worker would replay
// a running ceremony after an upgrade. A change to workflow code that would alter a running history
// without patched() fails here.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { expect, it } from 'vitest';
import { repoRoot } from '../../common/tools.js';
import { workflowBundle } from '../../runtime/workers.js';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'histories');

async function histories(): Promise<Array<{ file: string; workflowId: string; history: unknown }>> {
  const found: Array<{ file: string; workflowId: string; history: unknown }> = [];
  for (const mode of await readdir(fixtures)) {
    for (const file of (await readdir(path.join(fixtures, mode))).filter((f) => f.endsWith('.json')).sort()) {
      const [, , workflowId] = file.split('--');
      found.push({ file: `${mode}/${file}`, workflowId: workflowId ?? file, history: JSON.parse(await readFile(path.join(fixtures, mode, file), 'utf8')) as unknown });
    }
  }
  return found;
}

it('replays every captured history of both modes against the current workflow code', async () => {
  const all = await histories();
  // Both modes, and every kind of workflow each runs.
  expect(all.filter((h) => h.file.startsWith('sequential/')).length).toBeGreaterThanOrEqual(5);
  expect(all.filter((h) => h.file.startsWith('rounds/')).length).toBeGreaterThanOrEqual(3);
  const failures: string[] = [];
  let replayed = 0;
  const byId = new Map(all.map((h) => [h.workflowId + h.file, h.file]));
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: await workflowBundle(), replayName: 'committed-histories' },
    all.map((h) => ({ workflowId: h.workflowId + h.file, history: h.history })),
  )) {
    replayed += 1;
    if (result.error !== undefined) failures.push(`${byId.get(result.workflowId) ?? result.workflowId}: ${result.error.message}`);
  }
  expect(replayed).toBe(all.length);
  expect(failures).toEqual([]);
});
