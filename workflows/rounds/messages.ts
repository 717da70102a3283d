// Signals, updates and queries of the rounds-mode workflows (addressed by the API).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Member, RoundStatus, TaskAnswer, VerificationTask } from './types.js';
import type { RoundsCeremonyStatus } from './ceremony-types.js';

// round workflow
export const takeTaskUpdate = defineUpdate<TaskAnswer, [{ member: Member; replacement: boolean }]>('takeTask');
export const submitChunkUpdate = defineUpdate<{ contributionId: string; status: 'verifying' }, [{ memberId: string; chunk: number; uploadKey: string; baseStateKey: string }]>('submitChunk');
export const takeVerificationUpdate = defineUpdate<VerificationTask, [{ member: Member }]>('takeVerification');
export const submitVerificationUpdate = defineUpdate<
  { accepted: boolean },
  [{ verifierId: string; contributionId: string; valid: boolean; code?: string; message?: string; verificationKey: string; pubkey?: string }]
>('submitVerification');
export const heartbeatSignal = defineSignal<[{ memberId: string; at: number }]>('heartbeat');
export const roundDropSignal = defineSignal<[{ memberId: string; reason: 'admin' | 'banned' }]>('drop');
export const roundRestartSignal = defineSignal<[{ reason: string }]>('restart');
export const roundStatusQuery = defineQuery<RoundStatus>('roundStatus');
export const instructionsQuery = defineQuery<{ round: number; tasks: Array<{ chunk: number; state: 'pending' | 'verifying' | 'verified' | 'in-progress' }>; status: string }, [string]>('instructions');

// rounds ceremony workflow
export const joinRoundQueueUpdate = defineUpdate<{ position: number; round: number }, [{ member: Member }]>('joinRoundQueue');
export const leaveRoundQueueUpdate = defineUpdate<{ left: boolean }, [{ memberId: string }]>('leaveRoundQueue');
export const banMemberSignal = defineSignal<[{ memberId: string; identity: string; banned: boolean; reason: string }]>('banMember');
export const adminRestartSignal = defineSignal<[{ reason: string }]>('adminRestart');
export const ceremonyStatusQuery = defineQuery<RoundsCeremonyStatus>('roundsStatus');
