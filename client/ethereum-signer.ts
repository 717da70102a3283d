// Who signs for the Ethereum account a contributor logs in with: the SIWE login message (EIP-191
// personal_sign) and, after computing, the EIP-712 typed data of its PoT pubkeys. Either a key on
// this machine (keySigner), or the person's own wallet (pastedSigner): the message and the typed data
// are shown, the person signs them wherever their key lives and pastes the signatures back, and each
// is checked here against the address before it is used, so no key ever reaches this client.
import type { TypedData } from '../engine/identity/eip712.js';
import { toChecksumAddress } from '../engine/identity/eip55.js';
import { IdentityError } from '../engine/identity/errors.js';
import { potPubkeysTypedData, recoverEcdsaAddress, signEcdsa, type PotPubkeyEntry } from '../engine/identity/pot-typed-data.js';
import { privateKeyToAddress } from '../engine/identity/secp256k1.js';
import { recoverPersonalSigner, signSiwe, SiweError } from '../identity/siwe.js';

export interface EthereumSigner {
  /** The account, EIP-55. */
  readonly address: string;
  /** personal_sign of the SIWE message: a 65-byte 0x-hex signature by `address`. */
  signMessage(message: string): Promise<string>;
  /** The ECDSA signature of the PoT pubkeys (EIP-712) by `address`, or undefined to leave it out. */
  signPubkeys(pubkeys: readonly PotPubkeyEntry[]): Promise<string | undefined>;
}

/** Signs with a private key held here (--eth-key-file, CEREMONY_ETH_KEY). */
export function keySigner(privateKeyHex: string): EthereumSigner {
  return {
    address: privateKeyToAddress(privateKeyHex),
    signMessage: (message) => Promise.resolve(signSiwe(privateKeyHex, message)),
    signPubkeys: (pubkeys) => Promise.resolve(signEcdsa(privateKeyHex, pubkeys)),
  };
}

/** The person gave no signature (an empty line or the end of the input where one was required). */
export class NoSignatureError extends Error {
  override readonly name = 'NoSignatureError';
}

export type SignatureCheck = { ok: true } | { ok: false; why: string };

/** Whether `signature` is `address`'s personal_sign of `message`; otherwise why not. Pure. */
export function checkMessageSignature(message: string, signature: string, address: string): SignatureCheck {
  try {
    const signer = recoverPersonalSigner(message, signature);
    return signer.toLowerCase() === address.toLowerCase() ? { ok: true } : { ok: false, why: `that signature is by ${signer}, not ${address}` };
  } catch (err) {
    if (err instanceof SiweError) return { ok: false, why: `that is not a signature (${err.message})` };
    throw err;
  }
}

/** Whether `signature` is `address`'s EIP-712 signature of these pubkeys; otherwise why not. Pure. */
export function checkPubkeysSignature(pubkeys: readonly PotPubkeyEntry[], signature: string, address: string): SignatureCheck {
  try {
    const signer = recoverEcdsaAddress(pubkeys, signature);
    return signer.toLowerCase() === address.toLowerCase() ? { ok: true } : { ok: false, why: `that signature is by ${signer}, not ${address}` };
  } catch (err) {
    if (err instanceof IdentityError) return { ok: false, why: `that is not a signature (${err.message})` };
    throw err;
  }
}

export const SIWE_BEGIN = '-----BEGIN SIWE MESSAGE-----';
export const SIWE_END = '-----END SIWE MESSAGE-----';
export const TYPED_DATA_BEGIN = '-----BEGIN EIP-712 TYPED DATA-----';
export const TYPED_DATA_END = '-----END EIP-712 TYPED DATA-----';

export interface PastedSignerOptions {
  /** The account (0x + 40 hex; any case). */
  address: string;
  /** Shows text to the person (a line or a block; the CLI writes it to stderr). */
  show: (text: string) => void;
  /** The next line the person typed, without its end; undefined at the end of the input. */
  readLine: () => Promise<string | undefined>;
}

/**
 * A signer that shows what to sign and takes the pasted signature. A signature that does not check out
 * (not a signature, or by another address) is refused with the reason and asked for again. For the
 * login message an empty line (or the end of the input) gives up (NoSignatureError); for the pubkeys
 * it leaves the ECDSA signature out (the contribution still carries the BLS signature of the identity).
 */
export function pastedSigner(options: PastedSignerOptions): EthereumSigner {
  const address = toChecksumAddress(options.address);
  const ask = async (check: (signature: string) => SignatureCheck, emptyMeans: string, onEmpty: () => string | undefined): Promise<string | undefined> => {
    for (;;) {
      const line = await options.readLine();
      const signature = line?.trim() ?? '';
      if (signature === '') return onEmpty();
      const verdict = check(signature);
      if (verdict.ok) return signature;
      options.show(`${verdict.why}; paste the signature again (an empty line ${emptyMeans})`);
    }
  };
  return {
    address,
    async signMessage(message) {
      options.show(
        [
          `Sign this message with ${address} (personal_sign, e.g. in your wallet or with \`cast wallet sign\`), then paste the signature (0x…, 65 bytes) and press Enter; an empty line gives up:`,
          SIWE_BEGIN,
          message,
          SIWE_END,
        ].join('\n'),
      );
      const signature = await ask(
        (s) => checkMessageSignature(message, s, address),
        'gives up',
        () => {
          throw new NoSignatureError('no signature of the login message was given; not logged in');
        },
      );
      return signature as string;
    },
    async signPubkeys(pubkeys) {
      const typedData: TypedData = potPubkeysTypedData(pubkeys);
      options.show(
        [
          `Sign this EIP-712 typed data with ${address} (eth_signTypedData_v4), then paste the signature (0x…, 65 bytes) and press Enter; an empty line leaves the ECDSA signature out:`,
          TYPED_DATA_BEGIN,
          JSON.stringify(typedData),
          TYPED_DATA_END,
        ].join('\n'),
      );
      return ask(
        (s) => checkPubkeysSignature(pubkeys, s, address),
        'leaves the ECDSA signature out',
        () => undefined,
      );
    },
  };
}
