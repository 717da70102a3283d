// The live page in rounds mode draws a running round: its contributors with their chunk progress and
// the grid of chunks, from what /rounds/status reports.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { RoundsClient } from '../../client/rounds-client.js';
import { launchChromium, pageLog, screenshot } from '../helpers/browser.js';
import { startRoundsTestStack, stopRoundsTestStack, type RoundsTestStack } from '../helpers/rounds.js';

const CHUNKS = 6;
let started: Partial<RoundsTestStack> = {};
let browser: Browser;

beforeAll(async () => {
  started = await startRoundsTestStack({
    numG1Powers: 48,
    numG2Powers: 4,
    chunkCount: CHUNKS,
    contributorsPerRound: 2,
    roundFillWaitMs: 60_000,
    verification: 'external',
    verifierIdentities: ['dev|page-verifier'],
    // Nobody is dropped while the page is looked at.
    heartbeatTimeoutMs: 600_000,
    slowTaskTimeoutMs: 600_000,
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stopRoundsTestStack(started);
});

it('renders a running round: its contributors, their progress and the chunk grid', async () => {
  const url = (started.stack as RoundsTestStack['stack']).url;
  for (const name of ['grid-one', 'grid-two']) {
    const client = new RoundsClient(url);
    await client.loginDev(name);
    await client.join();
  }
  const watcher = new RoundsClient(url);
  let status = await watcher.status();
  while (status.round === null) {
    await new Promise((r) => setTimeout(r, 200));
    status = await watcher.status();
  }
  const page = await browser.newPage();
  const log = pageLog(page);
  await page.goto(`${url}/`);
  await page.locator('.chunk-grid .chunk').first().waitFor();
  expect(await page.locator('.chunk-grid .chunk').count(), log.join('\n')).toBe(CHUNKS);
  expect(await page.locator('.slots .slot').count()).toBe(2);
  expect(new Set(await page.locator('.slots .slot .identity').allTextContents())).toEqual(new Set(['dev|grid-one', 'dev|grid-two']));
  expect(await page.locator('[data-phase]').getAttribute('data-phase')).toBe('round-running');
  expect(await page.locator('[data-admission]').getAttribute('data-admission')).toBe('open');
  expect(await page.locator('#now').textContent()).toContain(`Round ${status.round.round}`);
  await screenshot(page, 'live-page-rounds');
  await page.close();
});
