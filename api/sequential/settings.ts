// The sequential workflows' settings, from the configuration; and the ids of the workflows.
import { createHash } from 'node:crypto';
import { searchAttributesOn, type Config } from '../../common/config.js';
import { PARTICIPANT_SETTINGS_KEYS, type ParticipantSettings, type SequentialSettings } from '../../workflows/sequential/types.js';

export function sequentialSettings(cfg: Config): SequentialSettings {
  return {
    ceremonyId: cfg.ceremony.id,
    sizes: cfg.ceremony.sizes,
    contributionsPerIdentity: cfg.ceremony.contributionsPerIdentity,
    timing: cfg.ceremony.sequential,
    pulse: cfg.ceremony.pulse,
    verificationTaskQueue: cfg.temporal.taskQueues.verification,
    workflowTaskQueue: cfg.temporal.taskQueues.workflows,
    searchAttributes: searchAttributesOn(cfg),
  };
}

/** The part of the settings a participant workflow's input carries. */
export function participantSettings(settings: SequentialSettings): ParticipantSettings {
  return Object.fromEntries(PARTICIPANT_SETTINGS_KEYS.filter((key) => settings[key] !== undefined).map((key) => [key, settings[key]])) as ParticipantSettings;
}

/** One identity, one participant: GitHub identities by numeric id (a renamed account stays the same person). */
export function identityKey(identity: string): string {
  if (identity.startsWith('git|')) return identity.split('|').slice(0, 2).join('|');
  if (identity.startsWith('eth|')) return identity.toLowerCase();
  return identity;
}

export function participantIdOf(identity: string): string {
  return createHash('sha256').update(identityKey(identity)).digest('hex').slice(0, 32);
}

export { participantWorkflowIdFor as participantWorkflowId } from '../../workflows/sequential/ids.js';
