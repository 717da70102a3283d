// Sign-In with Ethereum from the client side: fetch a challenge, build the EIP-4361 message for an
// address, have it signed (by a key here, or by the person's own wallet), log in.
import { privateKeyToAddress } from '../engine/identity/secp256k1.js';
import { buildSiweMessage, signSiwe } from '../identity/siwe.js';
import { requestJson } from './http.js';

interface Challenge {
  nonce: string;
  domain: string;
  uri: string;
  chainId: number;
  version: '1';
  expirationTime: string;
}

/** The SIWE message for `address` (EIP-55), with a fresh nonce from GET /auth/siwe/nonce. */
export async function siweMessageFor(baseUrl: string, address: string, issuedAt = new Date()): Promise<string> {
  const challenge = await requestJson<Challenge>(baseUrl, '/auth/siwe/nonce');
  return buildSiweMessage({
    domain: challenge.domain,
    address,
    statement: 'Contribute to the powers-of-tau ceremony.',
    uri: challenge.uri,
    version: '1',
    chainId: challenge.chainId,
    nonce: challenge.nonce,
    issuedAt: issuedAt.toISOString(),
    expirationTime: challenge.expirationTime,
  });
}

export async function siweLoginMessage(baseUrl: string, privateKeyHex: string): Promise<{ message: string; signature: string; address: string }> {
  const address = privateKeyToAddress(privateKeyHex);
  const message = await siweMessageFor(baseUrl, address);
  return { message, signature: signSiwe(privateKeyHex, message), address };
}
