// The live ceremony page (/): what the coordinator reports at /ceremony/status (sequential) or
// /rounds/status (rounds), drawn, and refreshed every few seconds without a reload.
import type { CeremonyInfo, CeremonyStatus, LatestContributions, PhaseView } from '../../api/contracts/ceremony.js';
import type { RoundsCeremonyInfo, RoundsStatus } from '../../api/contracts/rounds.js';
import { ApiError, requestJson } from '../../client/http.js';
import { el, fill } from './dom.js';
import { explain } from './error-words.js';
import { duration, instant, shortHash } from './format.js';

/** How often the page asks again; the coordinator's answers are cheap queries. */
const REFRESH_MS = 3_000;
const LATEST = 20;
const origin = location.origin;

function figure(label: string, value: string | number, id?: string): HTMLElement {
  return el('div', { class: 'figure', 'data-figure': id }, el('span', { class: 'value' }, value), el('span', { class: 'label' }, label));
}

function phaseWords(view: PhaseView): string {
  const { phase } = view;
  if (phase === 'open') return 'Open: anyone may join';
  if (phase === 'paused') return `Paused${view.pausedReason ? `: ${view.pausedReason}` : ''}`;
  if (phase === 'closed') return 'Closed to new contributors; the queue drains';
  return 'Finalised with the random beacon';
}

function drawSequential(status: CeremonyStatus, latest: LatestContributions): void {
  const ahead = status.queueLength + (status.contributing === null ? 0 : 1);
  fill('phase', el('span', { class: `badge phase-${status.phase.phase}`, 'data-phase': status.phase.phase }, phaseWords(status.phase)));
  fill(
    'figures',
    figure('contributions so far', status.sequence, 'contributions'),
    figure('waiting in the queue', status.queueLength, 'queue'),
    figure('average round trip', duration(status.averageRoundTripMs), 'round-trip'),
    figure('estimated wait if you join now', duration(ahead * status.averageRoundTripMs), 'wait'),
  );
  fill(
    'now',
    status.contributing === null ? 'Nobody is contributing right now.' : `A contribution is being computed (started ${instant(status.contributing.startedAt)}).`,
    status.transcriptSha256 === null ? null : el('span', { class: 'hash', title: status.transcriptSha256 }, ` Transcript SHA-256 ${shortHash(status.transcriptSha256)}`),
  );
  const rows = latest.items.map((item) =>
    el(
      'tr',
      { 'data-sequence': item.sequence },
      el('td', {}, item.sequence),
      el('td', { class: 'identity' }, item.identity),
      el('td', {}, instant(item.at)),
      el('td', { class: 'hash', title: item.transcriptSha256After }, shortHash(item.transcriptSha256After)),
      el('td', {}, item.receiptId === undefined ? '' : el('a', { href: `/receipts/${item.receiptId}` }, 'receipt')),
    ),
  );
  fill(
    'latest',
    rows.length === 0
      ? el('p', {}, 'No contributions yet.')
      : el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, '#'), el('th', {}, 'identity'), el('th', {}, 'time'), el('th', {}, 'transcript after'), el('th', {}, ''))), el('tbody', {}, ...rows)),
  );
}

function chunkCell(chunk: NonNullable<RoundsStatus['round']>['chunks'][number], contributors: number): HTMLElement {
  const state = chunk.verified >= contributors ? 'done' : chunk.lockedBySlot !== undefined ? 'working' : chunk.verifying > 0 ? 'verifying' : 'waiting';
  return el(
    'span',
    { class: `chunk chunk-${state}`, title: `chunk ${chunk.index}: ${chunk.verified}/${contributors} verified${chunk.verifying > 0 ? `, ${chunk.verifying} being verified` : ''}` },
    chunk.index,
  );
}

function drawRounds(status: RoundsStatus): void {
  const round = status.round;
  // Who may join (open, paused, closed), then how far the rounds are.
  fill(
    'phase',
    el('span', { class: `badge phase-${status.admission.phase}`, 'data-admission': status.admission.phase }, phaseWords(status.admission)),
    ' ',
    el('span', { class: `badge phase-${status.phase}`, 'data-phase': status.phase }, status.phase.replaceAll('-', ' ')),
  );
  fill(
    'figures',
    figure('rounds completed', status.completedRounds, 'rounds'),
    figure('current round', round === null ? '—' : `${round.round} (attempt ${round.attempt})`, 'round'),
    figure('waiting for a round', status.queue.length, 'queue'),
    figure('replacements standing by', round?.replacementsAvailable ?? 0, 'replacements'),
  );
  if (round === null) {
    fill('now', 'No round is running.');
  } else {
    const active = round.slots.filter((s) => s.status !== 'dropped').length;
    const slots = round.slots.map((slot) =>
      el(
        'div',
        { class: `slot slot-${slot.status}`, 'data-slot': slot.slot },
        el('span', { class: 'identity' }, slot.identity, slot.isReplacement ? ' (replacement)' : ''),
        el('progress', { max: slot.total, value: slot.done }),
        el('span', {}, `${slot.done}/${slot.total} chunks · ${slot.status}${slot.failures > 0 ? ` · ${slot.failures} failed` : ''}`),
      ),
    );
    fill(
      'now',
      el('p', {}, `Round ${round.round}: ${round.phase}; ${round.progress.verifiedContributions} of ${round.progress.totalContributions} chunk contributions verified.`),
      el('div', { class: 'slots' }, ...slots),
      el('div', { class: 'chunk-grid', 'aria-label': 'chunks' }, ...round.chunks.map((c) => chunkCell(c, Math.max(1, active)))),
      el('h3', {}, 'Verifiers'),
      round.verifiers.length === 0
        ? el('p', {}, 'The coordinator verifies.')
        : el('ul', {}, ...round.verifiers.map((v) => el('li', {}, `${v.identity}: ${v.status}, ${v.failures} failures, last seen ${instant(v.lastSeen)}`))),
      el('h3', {}, 'Drops'),
      round.drops.length === 0
        ? el('p', {}, 'None.')
        : el('ul', {}, ...round.drops.map((d) => el('li', {}, `${d.identity} (${d.role}): ${d.reason} at ${instant(d.at)}${d.replacedBy === undefined ? '' : ', replaced'}`))),
    );
  }
  fill(
    'latest',
    status.queue.length === 0 ? el('p', {}, 'Nobody is waiting for a round.') : el('ol', {}, ...status.queue.map((m) => el('li', { class: 'identity' }, m.identity))),
    status.restarts.length === 0 ? null : el('p', {}, `Restarts: ${status.restarts.map((r) => `round ${r.round} attempt ${r.attempt} (${r.reason})`).join('; ')}`),
  );
}

/** Asks again after REFRESH_MS, or later after failures (doubling up to a minute, or as Retry-After says). */
let failures = 0;
function nextRefreshMs(err?: unknown): number {
  if (err === undefined) {
    failures = 0;
    return REFRESH_MS;
  }
  failures += 1;
  const asked = err instanceof ApiError && err.retryAfterSeconds !== undefined ? err.retryAfterSeconds * 1000 : 0;
  return Math.max(asked, Math.min(60_000, REFRESH_MS * 2 ** failures));
}

async function refresh(info: CeremonyInfo | RoundsCeremonyInfo): Promise<number> {
  try {
    if (info.mode === 'sequential') {
      const [status, latest] = await Promise.all([requestJson<CeremonyStatus>(origin, '/ceremony/status'), requestJson<LatestContributions>(origin, `/ceremony/contributions?limit=${LATEST}`)]);
      drawSequential(status, latest);
    } else {
      drawRounds(await requestJson<RoundsStatus>(origin, '/rounds/status'));
    }
    fill('updated', `Updated ${new Date().toLocaleTimeString()}`);
    return nextRefreshMs();
  } catch (err) {
    const words = explain(err);
    fill('updated', el('span', { class: 'error' }, `${words.what} ${words.next}`));
    return nextRefreshMs(err);
  }
}

async function main(): Promise<void> {
  const info = await requestJson<CeremonyInfo | RoundsCeremonyInfo>(origin, '/ceremony/info');
  fill('ceremony', `Ceremony ${info.ceremonyId} · ${info.mode === 'sequential' ? 'one contributor at a time' : 'contributors in rounds'}`);
  fill('latest-title', info.mode === 'sequential' ? 'Latest contributions' : 'Round queue');
  document.body.dataset['mode'] = info.mode;
  const tick = async (): Promise<void> => {
    const wait = await refresh(info);
    setTimeout(() => void tick(), wait);
  };
  await tick();
}

main().catch((err: unknown) => {
  const words = explain(err);
  fill('updated', el('span', { class: 'error' }, `${words.what} ${words.next}`));
  setTimeout(() => location.reload(), 10_000);
});
