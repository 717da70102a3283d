import { searchAttributesOn, type Config } from '../../common/config.js';
import type { RoundsSettings } from '../../workflows/rounds/types.js';

export function roundsSettings(cfg: Config): RoundsSettings {
  const r = cfg.ceremony.rounds;
  return {
    ceremonyId: cfg.ceremony.id,
    numG1Powers: r.numG1Powers,
    numG2Powers: r.numG2Powers,
    chunkCount: r.chunkCount,
    contributorsPerRound: r.contributorsPerRound,
    roundFillWaitMs: r.roundFillWaitMs,
    verification: r.verification,
    verifierIdentities: r.verifierIdentities,
    replacementIdentities: r.replacementIdentities,
    heartbeatTimeoutMs: r.heartbeatTimeoutMs,
    slowTaskTimeoutMs: r.slowTaskTimeoutMs,
    maxVerificationFailures: r.maxVerificationFailures,
    verificationLeaseMs: r.verificationLeaseMs,
    maxVerifierFailures: r.maxVerifierFailures,
    sweepIntervalMs: r.sweepIntervalMs,
    maxRounds: r.maxRounds,
    workflowTaskQueue: cfg.temporal.taskQueues.workflows,
    verificationTaskQueue: cfg.temporal.taskQueues.verification,
    searchAttributes: searchAttributesOn(cfg),
  };
}
