// Public API of the powers-of-tau engine (BLS12-381, Ethereum KZG ceremony format).
export { createEngine, type Engine, type EngineOptions, type Progress, type ProgressListener } from './context.js';
export { InvalidInputError, ERROR_CODES, isInvalidInputError, type InputErrorCode, type InputRole } from './errors.js';
export { DEFAULT_LIMITS, resolveLimits, type InputLimits } from './limits.js';
export type { BatchContribution, BatchTranscript, PowersOfTau, SubCeremonySize, SubContribution, SubTranscript, Witness } from './format/types.js';
export { parseBatchContribution } from './format/parse-contribution.js';
export { parseBatchTranscript } from './format/parse-transcript.js';
export { parseCeremonyDocument, type CeremonyDocument } from './format/document-kind.js';
export { serializeBatchContribution, serializeBatchTranscript } from './format/serialize.js';
export { SPEC_SIZES, parseSizesText, formatSizes } from './format/sizes.js';
export { readBoundedText } from './format/read-json.js';
export { newTranscript } from './ops/new-transcript.js';
export { contribute, type ContributeOptions } from './ops/contribute.js';
export { deriveSecrets, parseSecretsText } from './ops/derive-secrets.js';
export { verifyContribution, checkContributionCounts, type VerifiedContribution } from './ops/verify-contribution.js';
export { applyVerifiedContribution, verifyAndApply, type ApplyOptions } from './ops/apply-contribution.js';
export { verifyTranscript, type TranscriptSummary, type VerifyTranscriptOptions } from './ops/verify-transcript.js';
export { keepSignatures, type IdentitySigner, type PrunedSignatures, type SignaturePruner, type TranscriptSignatureVerifier } from './ops/identity-hooks.js';
// Reusable primitives (chunked ceremonies, beacons).
export type { BackendName, CurveBackend, GroupBackend, PointFailure } from './curve/backend.js';
export { loadBackend } from './curve/load-backend.js';
export { decodeAndCombine, scaleByPowers, decodeOne } from './ops/bulk-points.js';
export { checkConsecutivePowers, locateConsecutiveBreak, consecutiveScalars, consecutivePairs } from './ops/consecutive-powers.js';
export { checkSameTau, locateSameTauBreak, sameTauPairs } from './ops/same-tau.js';
export { allEquationsHold, equationHolds, firstFailingEquation, type PairingEquation } from './ops/pairing-batch.js';
export { randomScalars, scalarVectorFrom, type ScalarVector } from './curve/scalars.js';
export { G1_GENERATOR_HEX, G2_GENERATOR_HEX, CURVE_ORDER } from './curve/constants.js';
