// The browser contributor (/contribute): log in, add entropy, wait in the lobby (the page checks in
// on the deadlines the coordinator gives), compute in Web Workers, upload, and keep the signed
// receipt, checked here against the coordinator's published key.
import type { CeremonyInfo, CheckinAnswer, CompleteAnswer, ParticipantView } from '../../api/contracts/ceremony.js';
import { ApiError, requestJson, withRetries } from '../../client/http.js';
import type { ParticipantClient } from '../../client/participant-client.js';
import { checkTurnReceipt } from '../../client/receipt-check.js';
import { DEFAULT_TURN_POLL_MS, turnGone } from '../../client/turned-away.js';
import { siweMessageFor } from '../../client/siwe-client.js';
import { byId, el, fill, show } from './dom.js';
import type { ContributionReply, ContributionRequest, PotPubkeyEntry } from './engine/messages.js';
import { explain, PageError } from './error-words.js';
import { duration, instant } from './format.js';
import { clientFor, expectGithubLogin, forgetSession, loadSession, saveSession, type StoredSession } from './session.js';
import { hasWallet, signMessage, signPubkeys, walletAddress } from './wallet.js';

type Section = 'login' | 'lobby' | 'compute' | 'receipt';

const origin = location.origin;
/** Check in this far into each interval the coordinator gives (it renews only in the second half). */
const CHECKIN_AT = 0.6;

let info: CeremonyInfo;
let session: StoredSession | undefined;
let client: ParticipantClient;
let lobbyTimer: ReturnType<typeof setTimeout> | undefined;
let countdownTimer: ReturnType<typeof setInterval> | undefined;
let worker: Worker | undefined;
let slotPoll: ReturnType<typeof setInterval> | undefined;
const entropy = { text: '', samples: [] as number[] };

function section(which: Section): void {
  for (const name of ['login', 'lobby', 'compute', 'receipt'] as const) show(name, name === which);
  document.body.dataset['step'] = which;
}

function say(text: string): void {
  fill('status-line', text);
}

function showError(err: unknown): void {
  const words = explain(err);
  const box = fill('error', el('strong', {}, words.what), ' ', words.next, el('small', { class: 'detail' }, `${words.code}: ${words.detail}`));
  box.dataset['code'] = words.code;
  show('error', true);
}

function clearError(): void {
  show('error', false);
}

/** Calls that are safe to repeat ride out an outage of the coordinator, saying so. */
function repeat<T>(call: () => Promise<T>, deadline?: number): Promise<T> {
  return withRetries(call, true, {
    target: origin,
    onTransient: (message, next) => say(`The coordinator did not answer (${message}); asking again in ${duration(next)}.`),
    onRateLimited: (seconds) => say(`Slowing down for ${seconds} s (rate limited).`),
    ...(deadline === undefined ? {} : { deadline, onDeadlinePassed: () => say('A check-in deadline passed while the coordinator was unreachable; it excuses its own outages. Still trying.') }),
  });
}

// ---- login ----

async function finishLogin(provider: StoredSession['provider'], address?: string): Promise<void> {
  const current = await requestJson<{ participantId: string; expiresAt: number }>(origin, '/auth/session', { token: client.token });
  session = { token: client.token as string, participantId: current.participantId, expiresAt: current.expiresAt, provider, ...(address === undefined ? {} : { address }) };
  saveSession(session);
  await afterLogin();
}

async function loginDev(): Promise<void> {
  const name = byId<HTMLInputElement>('dev-name').value.trim();
  await client.loginDev(name);
  await finishLogin('dev');
}

async function loginSiwe(): Promise<void> {
  const address = await walletAddress();
  const message = await siweMessageFor(origin, address);
  await client.loginSiwe(message, await signMessage(address, message));
  await finishLogin('siwe', address);
}

function logout(): void {
  stopLobby();
  forgetSession();
  session = undefined;
  client = clientFor(undefined);
  fill('who');
  section('login');
}

// ---- entropy ----

function collectEntropy(): void {
  const meter = byId<HTMLProgressElement>('entropy-meter');
  document.addEventListener('pointermove', (event) => {
    if (entropy.samples.length >= 3 * 512) return;
    entropy.samples.push(event.clientX, event.clientY, Math.floor(performance.now() * 1000));
    meter.value = entropy.samples.length / 3;
  });
  byId<HTMLTextAreaElement>('entropy-text').addEventListener('input', (event) => {
    entropy.text = (event.target as HTMLTextAreaElement).value;
  });
}

/**
 * The person's entropy as bytes, handed over once: the page forgets its copies (the worker mixes the
 * bytes with crypto.getRandomValues through HKDF and zeroes them).
 */
function takeEntropy(): Uint8Array {
  const text = new TextEncoder().encode(entropy.text);
  const moves = new Uint8Array(Uint32Array.from(entropy.samples).buffer);
  const out = new Uint8Array(text.length + moves.length);
  out.set(text, 0);
  out.set(moves, text.length);
  text.fill(0);
  moves.fill(0);
  entropy.text = '';
  entropy.samples.fill(0);
  entropy.samples.length = 0;
  byId<HTMLTextAreaElement>('entropy-text').value = '';
  return out;
}

// ---- lobby ----

function stopLobby(): void {
  clearTimeout(lobbyTimer);
  clearInterval(countdownTimer);
  lobbyTimer = undefined;
}

function drawLobby(answer: CheckinAnswer): void {
  fill(
    'lobby-figures',
    el('div', { class: 'figure', 'data-figure': 'position' }, el('span', { class: 'value' }, answer.position), el('span', { class: 'label' }, 'your place in the queue')),
    el('div', { class: 'figure' }, el('span', { class: 'value' }, instant(answer.expectedStartAt)), el('span', { class: 'label' }, 'estimated start')),
    el('div', { class: 'figure' }, el('span', { class: 'value', id: 'countdown' }, ''), el('span', { class: 'label' }, 'until the next check-in (the page does it)')),
  );
  clearInterval(countdownTimer);
  const tick = (): void => {
    const countdown = document.getElementById('countdown');
    if (countdown !== null) countdown.textContent = duration(answer.nextDeadlineMs - Date.now());
  };
  tick();
  countdownTimer = setInterval(tick, 1000);
}

async function onAnswer(answer: CheckinAnswer): Promise<void> {
  if (answer.status === 'ready') {
    stopLobby();
    await contribute();
    return;
  }
  drawLobby(answer);
  say(`Waiting: ${answer.waitersAhead} ahead of you.`);
  const due = answer.nextDeadlineMs;
  lobbyTimer = setTimeout(
    () => {
      // A failure of the check-in, or of the turn it leads to (computing, the upload), is shown.
      repeat(() => client.checkin(), due)
        .then(onAnswer)
        .catch((err: unknown) => {
          stopLobby();
          stopWorker();
          showError(err);
          section('login');
          showJoin();
        });
    },
    Math.max(200, (due - Date.now()) * CHECKIN_AT),
  );
}

async function join(): Promise<void> {
  clearError();
  section('lobby');
  say('Joining the queue…');
  await onAnswer(await repeat(() => client.enter()));
}

async function leave(): Promise<void> {
  stopLobby();
  await repeat(() => client.leave());
  say('You left the queue.');
  section('login');
  showJoin();
}

// ---- compute ----

function stopWorker(): void {
  clearInterval(slotPoll);
  worker?.terminate();
  worker = undefined;
}

function runWorker(request: ContributionRequest, until: ContributionReply['kind']): Promise<ContributionReply> {
  return new Promise((resolve, reject) => {
    const active = worker as Worker;
    active.onmessage = (event: MessageEvent<ContributionReply>) => {
      const reply = event.data;
      if (reply.kind === 'progress') {
        const bar = byId<HTMLProgressElement>('compute-progress');
        bar.max = reply.total;
        bar.value = reply.done;
        fill('compute-line', `${reply.phase}: ${reply.done} of ${reply.total} points`);
      } else if (reply.kind === 'failed') {
        reject(new PageError('COMPUTE_FAILED', `${reply.code}: ${reply.message}`));
      } else if (reply.kind === until) {
        resolve(reply);
      }
    };
    active.onerror = (event) => reject(new PageError('COMPUTE_FAILED', event.message));
    active.postMessage(request);
  });
}

/** Ends the computation as soon as the slot is gone (dropped, removed, banned), saying why. */
function watchSlot(turnId: string, gone: (view: ParticipantView) => void): void {
  slotPoll = setInterval(() => {
    client
      .participant()
      .then((view) => {
        const mine = view as unknown as ParticipantView;
        if (turnGone(mine, turnId)) gone(mine);
      })
      .catch(() => undefined);
  }, DEFAULT_TURN_POLL_MS);
}

async function contribute(): Promise<void> {
  section('compute');
  say('It is your turn: fetching the current powers…');
  const started = await repeat(() => client.start());
  say(`Computing contribution ${started.sequence}; the deadline is ${instant(started.computeDeadline)}.`);
  worker = new Worker('/assets/contribution-worker.js', { type: 'module', name: 'ceremony-contribution' });
  const slotGone = new Promise<never>((_, reject) => {
    watchSlot(started.turnId, (view) => {
      const why = view.reason?.message ?? view.removedReason ?? view.lastOutcome ?? view.status;
      reject(new PageError('NOT_YOUR_TURN', `your slot ended while computing (${why})`));
    });
  });
  const threads = Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 8));
  try {
    const computed = (await Promise.race([
      runWorker({ kind: 'contribute', powers: started.powers, entropy: takeEntropy(), identity: session?.participantId ?? '', threads }, 'computed'),
      slotGone,
    ])) as Extract<ContributionReply, { kind: 'computed' }>;
    say(`Computed in ${duration(computed.ms)}.`);
    const ecdsaSignature = session?.address === undefined ? '' : await signWithWallet(session.address, computed.potPubkeys);
    const serialized = (await runWorker({ kind: 'serialize', ecdsaSignature }, 'serialized')) as Extract<ContributionReply, { kind: 'serialized' }>;
    stopWorker();
    say('Uploading; the coordinator verifies it…');
    fill('compute-line', 'Uploaded; waiting for verification.');
    const done = await repeat(() => client.complete(serialized.json));
    await showReceipt(done, computed.potPubkeys);
  } catch (err) {
    stopWorker();
    throw err;
  }
}

async function signWithWallet(address: string, potPubkeys: PotPubkeyEntry[]): Promise<string> {
  say('Sign the pubkeys in your wallet (EIP-712).');
  return signPubkeys(address, potPubkeys);
}

async function abort(): Promise<void> {
  stopWorker();
  await repeat(() => client.abort());
  say('You gave up your turn; the next person starts now.');
  section('login');
  showJoin();
}

// ---- receipt ----

async function showReceipt(done: CompleteAnswer, potPubkeys: PotPubkeyEntry[]): Promise<void> {
  section('receipt');
  const keys = (await repeat(() => client.info())).receiptKeys.keys;
  const check = await checkTurnReceipt(done.receipt, keys, {
    ceremonyId: info.ceremonyId,
    participantId: session?.participantId ?? '',
    sequence: done.sequence,
    potPubkeys: potPubkeys.map((p) => p.potPubkey),
  });
  const fileName = `receipt-${done.sequence}.json`;
  const text = JSON.stringify(done.receipt, null, 2);
  const download = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'application/json' })), download: fileName, id: 'receipt-download' }, `Download ${fileName}`);
  const fingerprint = info.receiptKeyFingerprints[0] ?? '<fingerprint>';
  const attestation = [
    `I contributed to the ${info.ceremonyId} powers-of-tau ceremony as ${session?.participantId ?? ''}.`,
    `Contribution #${done.sequence}; transcript SHA-256 after it: ${done.transcriptSha256}; receipt ${done.receiptId}.`,
    `Check it: ceremony verify --url ${origin} --receipt ${fileName} --key ${fingerprint}`,
  ].join('\n');
  fill(
    'receipt-result',
    el(
      'p',
      { class: check.valid ? 'valid' : 'invalid', id: 'receipt-verdict', 'data-valid': String(check.valid) },
      check.valid ? 'Your receipt verifies against the coordinator’s published key.' : `Your receipt does NOT verify: ${check.reason}`,
    ),
    el('p', {}, `Contribution #${done.sequence} was accepted. Transcript SHA-256 after it: `, el('code', {}, done.transcriptSha256)),
    el('p', {}, download, ' · ', el('a', { href: '/receipt' }, 'check a receipt'), ' · ', el('a', { href: '/' }, 'see yourself in the live list')),
    el('h3', {}, 'Share it'),
    el('textarea', { id: 'attestation', readonly: true, rows: 4 }, attestation),
    el('details', {}, el('summary', {}, 'The receipt'), el('pre', { id: 'receipt-json' }, text)),
  );
  say('Thank you!');
}

// ---- start-up ----

function showJoin(): void {
  show('login-forms', session === undefined);
  show('join', session !== undefined);
  if (session !== undefined) fill('who', `Logged in as ${session.participantId}`);
}

async function afterLogin(): Promise<void> {
  showJoin();
  const view = (await repeat(() => client.participant())) as unknown as ParticipantView;
  if (view.status === 'waiting' || view.status === 'queued' || view.status === 'ready') {
    // A reload while queued: carry on in the lobby (entering again answers the current standing).
    await join();
  } else if (view.status === 'banned') {
    showError(new ApiError(403, 'BANNED', view.removedReason ?? 'banned', undefined, undefined));
  }
}

function on(id: string, action: () => Promise<void>): void {
  byId(id).addEventListener('click', (event) => {
    event.preventDefault();
    clearError();
    action().catch(showError);
  });
}

async function main(): Promise<void> {
  info = await repeat(() => requestJson<CeremonyInfo>(origin, '/ceremony/info'));
  if ((info.mode as string) !== 'sequential') {
    fill('status-line', 'This ceremony runs in rounds; contribute with the command-line client.');
    return;
  }
  fill('ceremony', `Ceremony ${info.ceremonyId} · sizes ${info.sizes.map((s) => `${s.numG1Powers}×${s.numG2Powers}`).join(', ')}`);
  show('login-dev', info.logins.dev);
  show('login-siwe', info.logins.siwe);
  show('login-github', info.logins.github);
  if (!hasWallet()) byId('login-siwe').dataset['wallet'] = 'missing';
  collectEntropy();
  byId('login-github').addEventListener('click', expectGithubLogin);
  on('dev-login', loginDev);
  on('siwe-login', loginSiwe);
  on('join-button', join);
  on('leave-button', leave);
  on('abort-button', abort);
  on('logout', async () => logout());
  session = loadSession();
  client = clientFor(session);
  section('login');
  showJoin();
  if (session !== undefined) await afterLogin();
}

main().catch(showError);
