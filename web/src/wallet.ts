// An injected Ethereum wallet (EIP-1193, window.ethereum): accounts, personal_sign for Sign-In with
// Ethereum, eth_signTypedData_v4 for the EIP-712 signature of the contribution's pubkeys.
import { bytesToHex } from '../../engine/format/hex.js';
import { potPubkeysTypedData } from '../../engine/identity/pot-typed-data.js';
import type { PotPubkeyEntry } from './engine/messages.js';
import { PageError } from './error-words.js';

interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

function provider(): Eip1193Provider {
  const injected = (window as unknown as { ethereum?: Eip1193Provider }).ethereum;
  if (injected === undefined || typeof injected.request !== 'function') throw new PageError('NO_WALLET', 'window.ethereum is not there');
  return injected;
}

async function ask<T>(method: string, params: unknown[], check: (value: unknown) => value is T): Promise<T> {
  let answer: unknown;
  try {
    answer = await provider().request({ method, params });
  } catch (err) {
    if (err instanceof PageError) throw err;
    throw new PageError('WALLET_REFUSED', `${method}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!check(answer)) throw new PageError('WALLET_REFUSED', `${method} answered something unexpected`);
  return answer;
}

const isHexSignature = (value: unknown): value is string => typeof value === 'string' && /^0x[0-9a-fA-F]{130}$/.test(value);
const isAccounts = (value: unknown): value is string[] => Array.isArray(value) && value.length > 0 && value.every((a) => typeof a === 'string' && /^0x[0-9a-fA-F]{40}$/.test(a));

export function hasWallet(): boolean {
  return (window as unknown as { ethereum?: unknown }).ethereum !== undefined;
}

/** The wallet's first account. */
export async function walletAddress(): Promise<string> {
  const accounts = await ask('eth_requestAccounts', [], isAccounts);
  return accounts[0] as string;
}

/** personal_sign (EIP-191) of a text message. */
export function signMessage(address: string, message: string): Promise<string> {
  return ask('personal_sign', [bytesToHex(new TextEncoder().encode(message)), address], isHexSignature);
}

/** The EIP-712 signature of the pubkeys, as the KZG ceremony's spec asks of Ethereum identities. */
export function signPubkeys(address: string, potPubkeys: readonly PotPubkeyEntry[]): Promise<string> {
  return ask('eth_signTypedData_v4', [address, JSON.stringify(potPubkeysTypedData(potPubkeys))], isHexSignature);
}
