// A browser contributor in the lobby, with short check-in deadlines: one who closes the tab is
// removed at its deadline (the page no longer checks in for it), and the page then says, in words,
// why it cannot rejoin yet and when it can.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { ParticipantView } from '../../api/contracts/ceremony.js';
import { launchChromium, pageLog, screenshot } from '../helpers/browser.js';
import { devParticipant, sleep } from '../helpers/sequential.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

// Deadlines a few seconds apart, with slack a busy machine cannot eat: the page checks in 60% of the
// way to each deadline, so it has 40% of the interval plus the grace to spare.
const timing = {
  minCheckinIntervalMs: 2_000,
  checkinGraceMs: 5_000,
  initialRoundTripMs: 4_000,
  maxCheckinIntervalMs: 4_000,
  halvingBelowWaitMs: 4_000,
  startWindowMs: 60_000,
  // The turn ahead is held far longer than the test needs.
  computeDeadlineMs: 600_000,
  rejoinPenaltyMs: 600_000,
};

let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestStack({ ceremony: { sizes: [{ numG1Powers: 16, numG2Powers: 4 }], sequential: timing }, auth: { rateLimits: { enabled: false } } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

it('a browser contributor who closes the tab in the lobby is removed at its deadline, and is told when it may rejoin', async () => {
  // Someone holds the turn, so the browser waits.
  const holder = await devParticipant(stack.url, 'holder');
  expect((await holder.enter()).status).toBe('ready');
  await holder.start();

  const context = await browser.newContext();
  const page = await context.newPage();
  const log = pageLog(page);
  await page.goto(`${stack.url}/contribute`);
  await page.locator('#dev-name').fill('closes-the-tab');
  await page.locator('#dev-login').click();
  await page.locator('#join-button').click();
  await page.locator('[data-figure="position"] .value').waitFor();
  expect(await page.locator('[data-figure="position"] .value').textContent(), log.join('\n')).toBe('1');
  await screenshot(page, 'contributor-lobby');
  const token = await page.evaluate(
    () => (JSON.parse((globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('ceremony-session') ?? '{}') as { token?: string }).token ?? '',
  );

  // While the tab is open, the page keeps the participant in the queue across many deadlines.
  const me = await devParticipant(stack.url, 'closes-the-tab');
  const firstDeadline = ((await me.participant()) as unknown as ParticipantView).checkinDeadline as number;
  while (Date.now() < firstDeadline + 3 * timing.maxCheckinIntervalMs) await sleep(250);
  expect(((await me.participant()) as unknown as ParticipantView).status).toMatch(/waiting|queued/);

  await context.close();
  const lastDeadline = ((await me.participant()) as unknown as ParticipantView).checkinDeadline as number;
  let view = (await me.participant()) as unknown as ParticipantView;
  while (view.status === 'waiting' || view.status === 'queued') {
    await sleep(250);
    view = (await me.participant()) as unknown as ParticipantView;
  }
  // Removed, and only once its last deadline (and the grace) had passed.
  expect(view.status).toBe('idle');
  expect(view.removedReason).toBe('missed-checkin');
  expect(Date.now()).toBeGreaterThanOrEqual(lastDeadline + timing.checkinGraceMs);

  // Back on the page, joining again is refused in words, with when it may.
  const again = await browser.newContext();
  const page2 = await again.newPage();
  await page2.goto(`${stack.url}/contribute`);
  await page2.evaluate(
    (session) => (globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }).sessionStorage.setItem('ceremony-session', session),
    JSON.stringify({ token, participantId: 'dev|closes-the-tab', expiresAt: Date.now() + 3600_000, provider: 'dev' }),
  );
  await page2.reload();
  await page2.locator('#join-button').click();
  const error = page2.locator('#error');
  await error.waitFor({ state: 'visible' });
  expect(await error.getAttribute('data-code')).toBe('PENALTY_ACTIVE');
  expect(await error.textContent()).toMatch(/You can join again in (9|10) min/);
  await screenshot(page2, 'contributor-penalty');
  await again.close();
  await holder.abort();
});
