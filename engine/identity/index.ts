/** Identity signatures of the KZG ceremony spec: identity strings, BLS and EIP-712/ECDSA. */
export * from './errors.js';
export { bigIntToBytes, bytesToBigInt, bytesToHex, decodeHex, type HexDecodeOptions } from '../format/hex.js';
export * from './eip55.js';
export * from './identity.js';
export * from './secp256k1.js';
export * from './eip712.js';
export * from './pot-typed-data.js';
export * from './bls.js';
export * from './prune.js';
