// A real browser for the web front's tests: Debian's chromium (scripts/install-chromium.sh puts it
// there), driven by playwright-core with the flags this machine allows. Screenshots go under
// .tmp/screenshots (git-ignored), never into the repository.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from '../../common/tools.js';
import { bytesToHex } from '../../engine/format/hex.js';
import { hashTypedData, type TypedData } from '../../engine/identity/eip712.js';
import { privateKeyToAddress, signDigest } from '../../engine/identity/secp256k1.js';
import { signSiwe } from '../../identity/siwe.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Several pages compute and check in at once in one test: none of them is throttled as a background tab.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

export const SCREENSHOTS = path.join(repoRoot, '.tmp', 'screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Collects what the page logs and throws, for the failure message of a test. */
export function pageLog(page: Page): string[] {
  const lines: string[] = [];
  page.on('console', (m) => lines.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => lines.push(`pageerror: ${e.message}`));
  return lines;
}

/**
 * An injected EIP-1193 wallet (window.ethereum) holding a test key: it answers eth_requestAccounts,
 * personal_sign and eth_signTypedData_v4 as a wallet would, signing in the test process.
 */
export async function injectTestWallet(context: BrowserContext, privateKeyHex: string): Promise<string> {
  const address = privateKeyToAddress(privateKeyHex);
  await context.exposeBinding('__testWalletSign', (_source, method: string, params: unknown[]) => {
    if (method === 'personal_sign') {
      const message = Buffer.from(String(params[0]).slice(2), 'hex').toString('utf8');
      return signSiwe(privateKeyHex, message);
    }
    if (method === 'eth_signTypedData_v4') return bytesToHex(signDigest(hashTypedData(JSON.parse(String(params[1])) as TypedData), privateKeyHex));
    throw new Error(`the test wallet does not do ${method}`);
  });
  await context.addInitScript((account: string) => {
    // Runs in the page, where globalThis is its window.
    const page = globalThis as unknown as { __testWalletSign: (method: string, params: unknown[]) => Promise<string>; ethereum: unknown };
    const sign = page.__testWalletSign;
    page.ethereum = {
      isTestWallet: true,
      request: async ({ method, params }: { method: string; params?: unknown[] }) => {
        if (method === 'eth_requestAccounts' || method === 'eth_accounts') return [account];
        if (method === 'eth_chainId') return '0x1';
        return sign(method, params ?? []);
      },
    };
  }, address);
  return address;
}
