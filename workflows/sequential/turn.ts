// One contributor's turn: the start window, the compute deadline, verification, and the outcome.
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { TURN_OUTCOME } from '../../common/search-attributes.js';
import { waitOutDeadline } from '../availability/fair-deadline.js';
import type { SequentialActivities } from './activities-api.js';
import {
  abortUpdate,
  cancelSignal,
  checkinDueSignal,
  completeRefusal,
  completeUpdate,
  notifiedSignal,
  startUpdate,
  turnOutcomeSignal,
  turnStateQuery,
  type CompleteResult,
  type TurnState,
} from './messages.js';
import type { SequentialSettings, TranscriptHead, TurnOutcome, TurnOutcomeKind } from './types.js';
import { rejection } from '../rejection.js';
import { ceremonyWorkflowIdFor } from './ids.js';
import { UPLOAD_PREFIX } from './upload-keys.js';
import { describedBy } from '../message-descriptions.js';

export interface TurnInput {
  settings: SequentialSettings;
  turnId: string;
  participantId: string;
  identity: string;
  base: TranscriptHead;
  /** The newest record of the ceremony's hash chain, which this turn's record will commit to. */
  previousRecordKey: string | undefined;
}

/**
 * One turn, from the call to its outcome, which it always reports to the ceremony (turnOutcomeSignal),
 * even when the turn itself fails or is cancelled: the ceremony waits for that report and nothing else.
 */
export async function turnWorkflow(input: TurnInput): Promise<TurnOutcome> {
  let outcome: TurnOutcome;
  let failure: unknown;
  try {
    outcome = await playTurn(input);
  } catch (err) {
    failure = err;
    if (!isCancellation(err)) log.error('turn: failed; reported to the ceremony as cancelled', { turnId: input.turnId, error: String(err) });
    outcome = { kind: 'cancelled', turnId: input.turnId, participantId: input.participantId, finishedAt: Date.now(), failedCheck: { code: 'INTERNAL', message: String(err) } };
  }
  await CancellationScope.nonCancellable(() => getExternalWorkflowHandle(ceremonyWorkflowIdFor(input.settings.ceremonyId)).signal(turnOutcomeSignal, outcome));
  if (failure !== undefined && isCancellation(failure)) throw failure;
  return outcome;
}

async function playTurn(input: TurnInput): Promise<TurnOutcome> {
  const { settings, base, participantId } = input;
  const timing = settings.timing;
  const light = proxyActivities<SequentialActivities>({
    taskQueue: settings.workflowTaskQueue,
    startToCloseTimeout: '30 seconds',
    retry: { maximumAttempts: 10, initialInterval: '200 milliseconds', maximumInterval: '5 seconds' },
  });
  const heavy = proxyActivities<SequentialActivities>({
    taskQueue: settings.verificationTaskQueue,
    startToCloseTimeout: timing.verificationTimeoutMs,
    heartbeatTimeout: '30 seconds',
    retry: { maximumAttempts: 5, initialInterval: '1 second', maximumInterval: '10 seconds', nonRetryableErrorTypes: ['INVALID_CONTRIBUTION'] },
  });

  let state = 'called' as TurnState;
  // Handlers change `state` between awaits; read it through this so the compiler does not narrow it.
  const now = (): TurnState => state;
  let outcomeKind: TurnOutcomeKind | undefined;
  let notifiedAt: number | undefined;
  let checkinDueBy: number | undefined;
  let startedAt: number | undefined;
  let uploadKey: string | undefined;
  // Filled once the outcome is known; the complete update waits on it.
  const answer: { result?: CompleteResult } = {};
  const sequence = base.sequence + 1;
  const createdAt = Date.now();

  const assertParticipant = (who: string): void => {
    if (who !== participantId) throw rejection('NOT_YOUR_TURN', 'it is not your turn');
  };

  setHandler(turnStateQuery, () => ({ state, participantId, sequence, outcome: outcomeKind }), describedBy(turnStateQuery));
  setHandler(
    notifiedSignal,
    ({ at }) => {
      notifiedAt ??= Math.min(at, Date.now());
    },
    describedBy(notifiedSignal),
  );
  setHandler(
    checkinDueSignal,
    ({ by }) => {
      checkinDueBy = Math.max(checkinDueBy ?? 0, by);
    },
    describedBy(checkinDueSignal),
  );
  setHandler(
    cancelSignal,
    () => {
      if (state === 'called' || state === 'computing') {
        outcomeKind = 'cancelled';
        state = 'done';
      }
    },
    describedBy(cancelSignal),
  );
  setHandler(
    startUpdate,
    () => {
      if (state === 'computing') {
        // A retried start: hand out the same thing again.
        return { turnId: input.turnId, sequence, powersKey: base.powersKey, transcriptSha256: base.transcriptSha256, computeDeadline: (startedAt ?? 0) + timing.computeDeadlineMs };
      }
      state = 'computing';
      startedAt = Date.now();
      return { turnId: input.turnId, sequence, powersKey: base.powersKey, transcriptSha256: base.transcriptSha256, computeDeadline: startedAt + timing.computeDeadlineMs };
    },
    {
      ...describedBy(startUpdate),
      validator: ({ participantId: who }) => {
        assertParticipant(who);
        if (state === 'called' || state === 'computing') return;
        if (outcomeKind === 'start-missed') throw rejection('START_WINDOW_MISSED', `contribution/start must come within ${timing.startWindowMs / 1000} s of the check-in that said ready`);
        throw rejection('NOT_YOUR_TURN', `this turn is over (${outcomeKind ?? state})`);
      },
    },
  );
  setHandler(
    completeUpdate,
    async ({ uploadKey: key }) => {
      state = 'verifying';
      uploadKey = key;
      await condition(() => answer.result !== undefined);
      return answer.result as CompleteResult;
    },
    {
      ...describedBy(completeUpdate),
      validator: ({ participantId: who }) => {
        assertParticipant(who);
        const refusal = completeRefusal(state, outcomeKind, timing.computeDeadlineMs);
        if (refusal !== undefined) throw rejection(refusal.code, refusal.message);
      },
    },
  );
  setHandler(
    abortUpdate,
    () => {
      outcomeKind = 'aborted';
      state = 'done';
      return { outcome: 'aborted' as const };
    },
    {
      ...describedBy(abortUpdate),
      validator: ({ participantId: who }) => {
        assertParticipant(who);
        if (state !== 'called' && state !== 'computing') throw rejection('NO_CONTRIBUTION_IN_PROGRESS', `nothing to abort (${outcomeKind ?? state})`);
      },
    },
  );

  // 1. The start window: counted from the check-in that told the participant `ready`; when that
  //    check-in never comes, from when it was due: one head-of-queue poll interval after the turn's
  //    creation, or the participant's own check-in deadline (plus the grace) when that is later (a
  //    participant further back is called before it checks in again when the queue moves faster than
  //    estimated; it loses nothing by checking in on the schedule it was given).
  const excusedRecords: Array<Promise<unknown>> = [];
  const excused =
    (what: string) =>
    (verdict: { original: number; expiry: number; outages: unknown[] }): void => {
      // A record of whom an outage of the coordinator would have cost the turn; it settles before the
      // turn's own record (below), so it is never abandoned.
      excusedRecords.push(
        light
          .writeRecord({
            ceremonyId: settings.ceremonyId,
            kind: 'deadline-excused',
            participantId,
            identity: input.identity,
            turnId: input.turnId,
            detail: `${what} moved back by the coordinator's outage`,
            data: { expiry: verdict.original, movedTo: verdict.expiry, outages: verdict.outages },
            at: Date.now(),
          })
          .catch((err: unknown) => log.error('turn: the deadline-excused record could not be written', { turnId: input.turnId, error: String(err) })),
      );
    };
  const fairly = { ceremonyId: settings.ceremonyId, pulse: settings.pulse, graceMs: timing.checkinGraceMs };
  const startWindowEnd = (): number => {
    const noticeDue = Math.max(createdAt + timing.minCheckinIntervalMs, checkinDueBy === undefined ? 0 : checkinDueBy + timing.checkinGraceMs);
    return (notifiedAt ?? noticeDue) + timing.startWindowMs + timing.checkinGraceMs;
  };
  const startWindow = await waitOutDeadline({ ...fairly, since: createdAt, expiry: startWindowEnd, waiting: () => now() === 'called', onExcused: excused('the start window') });
  if (startWindow === 'passed') {
    outcomeKind = 'start-missed';
    state = 'done';
  }

  // 2. The compute deadline.
  if (now() === 'computing') {
    const began = startedAt ?? createdAt;
    const compute = await waitOutDeadline({
      ...fairly,
      since: began,
      expiry: () => began + timing.computeDeadlineMs + timing.checkinGraceMs,
      waiting: () => now() === 'computing',
      onExcused: excused('the compute deadline'),
    });
    if (compute === 'passed') {
      outcomeKind = 'compute-timeout';
      state = 'done';
    }
  }

  // 3. Verification and, when valid, the new transcript and the receipt.
  let outcome: TurnOutcome;
  const finishedAt = (): number => Date.now();
  if (now() === 'verifying' && uploadKey !== undefined) {
    const verdict = await heavy.verifyAndApply({
      ceremonyId: settings.ceremonyId,
      base,
      uploadKey,
      participantId,
      identity: input.identity,
      turnId: input.turnId,
    });
    const roundTripMs = Date.now() - (startedAt ?? createdAt);
    if (verdict.valid) {
      const receipt = await light.issueReceipt({
        ceremonyId: settings.ceremonyId,
        participantId,
        identity: input.identity,
        turnId: input.turnId,
        sequence: verdict.head.sequence,
        transcriptSha256Before: base.transcriptSha256,
        transcriptSha256After: verdict.head.transcriptSha256,
        potPubkeys: verdict.potPubkeys,
        acceptedAt: Date.now(),
      });
      outcome = { kind: 'accepted', turnId: input.turnId, participantId, head: verdict.head, ...receipt, startedAt, finishedAt: finishedAt(), roundTripMs };
    } else {
      outcome = { kind: 'rejected', turnId: input.turnId, participantId, failedCheck: { code: verdict.code, message: verdict.message }, startedAt, finishedAt: finishedAt(), roundTripMs };
    }
  } else {
    outcome = { kind: outcomeKind ?? 'cancelled', turnId: input.turnId, participantId, startedAt, finishedAt: finishedAt() };
  }

  await Promise.all(excusedRecords);
  const { recordKey } = await light.writeRecord({
    ceremonyId: settings.ceremonyId,
    kind: outcome.kind,
    participantId,
    identity: input.identity,
    turnId: input.turnId,
    sequence: outcome.kind === 'accepted' ? sequence : undefined,
    previousRecordKey: input.previousRecordKey,
    transcriptSha256Before: base.transcriptSha256,
    transcriptSha256After: outcome.head?.transcriptSha256,
    uploadKey,
    failedCheck: outcome.failedCheck,
    receiptId: outcome.receiptId,
    at: outcome.finishedAt,
  });
  outcome.recordKey = recordKey;
  // From here on the validators and the state query see how the turn ended (a second complete after an
  // accepted one is CONTRIBUTION_ALREADY_COMPLETED, not "turn over").
  outcomeKind = outcome.kind;
  // Operators filter turns by how they ended (#13). New in this release: behind a patch, so turns that
  // began on the code before replay as they ran.
  if (settings.searchAttributes === true && patched('turn-outcome-search-attribute')) upsertSearchAttributes([{ key: TURN_OUTCOME, value: outcome.kind }]);
  if (outcome.kind === 'rejected' && uploadKey !== undefined) {
    // The invalid upload's content is not kept; its record (with the failed check) is. The API staged
    // it under this turn's own prefix (uploads/<turn workflow id>/<submission id>/), so the key is
    // this submission's alone; the activity deletes nothing outside that prefix.
    await light.deleteObject({ key: uploadKey, within: `${UPLOAD_PREFIX}/${workflowInfo().workflowId}` });
  }

  answer.result = {
    outcome: outcome.kind,
    sequence,
    receiptId: outcome.receiptId,
    receiptKey: outcome.receiptKey,
    failedCheck: outcome.failedCheck,
    head: outcome.head,
  };
  state = 'done';
  await condition(allHandlersFinished);
  return outcome;
}
