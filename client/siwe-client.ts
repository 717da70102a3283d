// Sign-In with Ethereum from the client side: fetch a challenge, sign the EIP-4361 message, log in.
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

export async function siweLoginMessage(baseUrl: string, privateKeyHex: string): Promise<{ message: string; signature: string; address: string }> {
  const challenge = await requestJson<Challenge>(baseUrl, '/auth/siwe/nonce');
  const address = privateKeyToAddress(privateKeyHex);
  const message = buildSiweMessage({
    domain: challenge.domain,
    address,
    statement: 'Contribute to the powers-of-tau ceremony.',
    uri: challenge.uri,
    version: '1',
    chainId: challenge.chainId,
    nonce: challenge.nonce,
    issuedAt: new Date().toISOString(),
    expirationTime: challenge.expirationTime,
  });
  return { message, signature: signSiwe(privateKeyHex, message), address };
}
