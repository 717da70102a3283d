// Public API of beacon finalisation (iterated SHA-256 of a public value).
export {
  assertBeaconValue,
  assertIterations,
  beaconDigest,
  beaconSubSecrets,
  deriveBeaconSecret,
  normalizeBeaconValue,
  MAX_BEACON_BYTES,
  MAX_BEACON_ITERATIONS,
  PRODUCTION_BEACON_ITERATIONS,
} from './derive.js';
export { checkBeaconRecord, parseBeaconRecord, serializeBeaconRecord, type BeaconParameters, type BeaconRecord } from './record.js';
export { beaconContribution, beaconPubkeys, verifyBeaconContribution, type BeaconResult, type VerifyBeaconOptions } from './beacon.js';
