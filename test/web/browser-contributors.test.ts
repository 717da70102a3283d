// The web front on the real stack, in a real Chromium: the live page shows what /ceremony/status
// reports; two browser contributors and one command-line contributor join at once and all three
// contribute; the transcript holds the three and verifies; each browser shows a receipt that verifies.
// Then Sign-In with Ethereum through an injected wallet, a tampered receipt shown as invalid, and an
// abort that frees the slot at once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CeremonyStatus } from '../../api/contracts/ceremony.js';
import { requestJson } from '../../client/http.js';
import { createEngine, type Engine } from '../../engine/context.js';
import { parseBatchTranscript } from '../../engine/format/parse-transcript.js';
import { verifyEcdsa } from '../../engine/identity/pot-typed-data.js';
import { verifyTranscript } from '../../engine/ops/verify-transcript.js';
import { ceremonyCli } from '../helpers/cli.js';
import { injectTestWallet, launchChromium, pageLog, screenshot } from '../helpers/browser.js';
import { devParticipant, untilIdle } from '../helpers/sequential.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const timing = {
  // Short intervals, so a waiter hears "ready" soon after the turn ahead ends; a generous grace, so a
  // busy machine never makes a page late enough to be removed.
  initialRoundTripMs: 3_000,
  maxCheckinIntervalMs: 4_000,
  halvingBelowWaitMs: 4_000,
  minCheckinIntervalMs: 1_000,
  checkinGraceMs: 60_000,
  startWindowMs: 60_000,
  computeDeadlineMs: 600_000,
};

let stack: TestStack;
let browser: Browser;
let engine: Engine;

beforeAll(async () => {
  stack = await startTestStack({
    ceremony: {
      sizes: [
        { numG1Powers: 16, numG2Powers: 4 },
        { numG1Powers: 32, numG2Powers: 4 },
      ],
      sequential: timing,
    },
    auth: { rateLimits: { enabled: false } },
  });
  browser = await launchChromium();
  engine = await createEngine({ threads: 0 });
});

afterAll(async () => {
  await browser?.close();
  await engine?.close();
  await stack?.stop();
});

interface BrowserContributor {
  page: Page;
  log: string[];
}

async function openContributor(name?: string, walletKey?: string): Promise<BrowserContributor & { address?: string }> {
  const context = await browser.newContext();
  const address = walletKey === undefined ? undefined : await injectTestWallet(context, walletKey);
  const page = await context.newPage();
  const log = pageLog(page);
  await page.goto(`${stack.url}/contribute`);
  if (name !== undefined) {
    await page.locator('#dev-name').fill(name);
    await page.locator('#dev-login').click();
  } else {
    await page.locator('#siwe-login').click();
  }
  await page.locator('#join').waitFor({ state: 'visible' });
  await page.locator('#entropy-text').fill(`entropy of ${name ?? address}`);
  await page.mouse.move(10, 10);
  await page.mouse.move(200, 120, { steps: 20 });
  return { page, log, ...(address === undefined ? {} : { address }) };
}

/** Waits for the receipt section and returns the verdict the page shows. */
async function receiptOf(contributor: BrowserContributor): Promise<{ valid: string | null; attestation: string; receipt: string }> {
  const verdict = contributor.page.locator('#receipt-verdict');
  try {
    await verdict.waitFor({ state: 'visible', timeout: 300_000 });
  } catch (err) {
    throw new Error(`no receipt: ${(await contributor.page.locator('#error').textContent()) ?? ''}\n${contributor.log.join('\n')}\n${String(err)}`);
  }
  return {
    valid: await verdict.getAttribute('data-valid'),
    attestation: await contributor.page.locator('#attestation').inputValue(),
    receipt: (await contributor.page.locator('#receipt-json').textContent()) ?? '',
  };
}

it('the live page shows the figures /ceremony/status reports', async () => {
  const page = await browser.newPage();
  const log = pageLog(page);
  await page.goto(`${stack.url}/`);
  await page.locator('[data-figure="contributions"] .value').waitFor();
  const status = await requestJson<CeremonyStatus>(stack.url, '/ceremony/status');
  expect(await page.locator('[data-figure="contributions"] .value').textContent(), log.join('\n')).toBe(String(status.sequence));
  expect(await page.locator('[data-figure="queue"] .value').textContent()).toBe(String(status.queueLength));
  expect(await page.locator('[data-phase]').getAttribute('data-phase')).toBe(status.phase.phase);
  await screenshot(page, 'live-page-empty');
  await page.close();
});

it('two browser contributors and a command-line contributor join at once; all three contribute', async () => {
  const [b1, b2] = await Promise.all([openContributor('browser-one'), openContributor('browser-two')]);
  const cli = ceremonyCli(['contributor', '--url', stack.url, '--name', 'terminal-one']);
  await Promise.all([b1.page.locator('#join-button').click(), b2.page.locator('#join-button').click()]);
  const [r1, r2, done] = await Promise.all([receiptOf(b1), receiptOf(b2), cli]);
  expect(done.code, done.stderr).toBe(0);
  expect(r1.valid).toBe('true');
  expect(r2.valid).toBe('true');
  expect(r1.attestation).toContain('dev|browser-one');
  expect(r1.attestation).toContain('ceremony verify --url');
  await screenshot(b1.page, 'contributor-receipt');

  const transcript = parseBatchTranscript(await (await fetch(`${stack.url}/transcript`)).text());
  // The initial transcript and the three (the transcript leaves development identities unnamed).
  expect(transcript.participantIds).toHaveLength(4);
  await verifyTranscript(engine, transcript);

  // The live page lists them, newest first, with the transcript hash after each.
  const live = await browser.newPage();
  await live.goto(`${stack.url}/`);
  await live.locator('tr[data-sequence="3"]').waitFor();
  const identities = await live.locator('#latest td.identity').allTextContents();
  expect(new Set(identities)).toEqual(new Set(['dev|browser-one', 'dev|browser-two', 'dev|terminal-one']));
  await screenshot(live, 'live-page-three');
  await Promise.all([b1.page.context().close(), b2.page.context().close(), live.close()]);
});

it('signs in with Ethereum through an injected wallet and signs the pubkeys (EIP-712)', async () => {
  await untilIdle(stack);
  const key = '0x' + '4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318'.slice(0, 64);
  const contributor = await openContributor(undefined, key);
  await contributor.page.locator('#join-button').click();
  const result = await receiptOf(contributor);
  expect(result.valid, contributor.log.join('\n')).toBe('true');
  const identity = `eth|${(contributor.address as string).toLowerCase()}`;
  expect(result.attestation).toContain(identity);
  const transcript = parseBatchTranscript(await (await fetch(`${stack.url}/transcript`)).text());
  const index = transcript.participantIds.indexOf(identity);
  expect(index).toBeGreaterThan(0);
  const signature = transcript.participantEcdsaSignatures[index] as string;
  const pubkeys = transcript.transcripts.map((t) => ({ numG1Powers: t.numG1Powers, numG2Powers: t.numG2Powers, potPubkey: t.witness.potPubkeys[index] as string }));
  expect(verifyEcdsa(pubkeys, signature, contributor.address as string)).toBe(true);
  expect(transcript.transcripts.every((t) => (t.witness.blsSignatures[index] as string).length === 98)).toBe(true);
  await contributor.page.context().close();
});

it('the receipt checker shows a good receipt as valid and a tampered one as invalid', async () => {
  await untilIdle(stack);
  const contributor = await openContributor('receipt-keeper');
  await contributor.page.locator('#join-button').click();
  const { receipt } = await receiptOf(contributor);
  const page = await browser.newPage();
  await page.goto(`${stack.url}/receipt`);
  await page.locator('#receipt-text').fill(receipt);
  await page.locator('#check-button').click();
  await expect.poll(() => page.locator('#verdict [data-valid]').getAttribute('data-valid')).toBe('true');
  const tampered = JSON.parse(receipt) as { payload: { sequence: number } };
  tampered.payload.sequence += 1;
  await page.locator('#receipt-text').fill(JSON.stringify(tampered));
  await page.locator('#check-button').click();
  await expect.poll(() => page.locator('#verdict [data-valid]').getAttribute('data-valid')).toBe('false');
  expect(await page.locator('#verdict').textContent()).toContain('does NOT verify');
  await screenshot(page, 'receipt-tampered');
  await Promise.all([page.close(), contributor.page.context().close()]);
});

it('a browser contributor who gives up its turn frees the slot at once', async () => {
  await untilIdle(stack);
  const contributor = await openContributor('gives-up');
  // Its upload never arrives: the page stays in its turn until the person gives up.
  await contributor.page.route('**/contribution/complete', () => undefined);
  await contributor.page.locator('#join-button').click();
  await contributor.page.locator('#compute-line', { hasText: 'Uploaded' }).waitFor({ timeout: 300_000 });
  const next = await devParticipant(stack.url, 'after-give-up');
  const entered = await next.enter();
  expect(entered.status).not.toBe('ready');
  await contributor.page.locator('#abort-button').click();
  await contributor.page.locator('#status-line', { hasText: 'gave up your turn' }).waitFor();
  // The slot is free long before the compute deadline the turn had (600 s): the next one is called.
  let answer = entered;
  const giveUpAt = Date.now() + timing.computeDeadlineMs / 2;
  while (answer.status !== 'ready' && Date.now() < giveUpAt) {
    await new Promise((r) => setTimeout(r, 200));
    answer = await next.checkin();
  }
  expect(answer.status).toBe('ready');
  const view = (await contributor.page.evaluate(async () => (await fetch('/ceremony/status')).json())) as CeremonyStatus;
  expect(view.stats.aborted).toBeGreaterThanOrEqual(1);
  await next.leave().catch(() => undefined);
  await contributor.page.context().close();
});
