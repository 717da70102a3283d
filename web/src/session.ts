// The browser's session with the coordinator: the token from a login, kept for this tab
// (sessionStorage) so a reload resumes where the person was, and a GitHub login's hand-back in the
// URL fragment (auth.github.finishUrl).
import { ParticipantClient } from '../../client/participant-client.js';

export interface StoredSession {
  token: string;
  participantId: string;
  expiresAt: number;
  provider: 'dev' | 'siwe' | 'github';
  /** The wallet address of a Sign-In with Ethereum session (it signs the pubkeys too). */
  address?: string;
}

const KEY = 'ceremony-session';
/** Set in this tab when the person starts a GitHub login here: only then is a hand-back accepted. */
const GITHUB_PENDING = 'ceremony-github-login';

/** Called as the person follows "Log in with GitHub" (a link elsewhere cannot log anyone in). */
export function expectGithubLogin(): void {
  sessionStorage.setItem(GITHUB_PENDING, String(Date.now()));
}

export function loadSession(): StoredSession | undefined {
  const fromGithub = new URLSearchParams(location.hash.slice(1));
  const token = fromGithub.get('token');
  const participantId = fromGithub.get('participantId');
  const expiresAt = Number(fromGithub.get('expiresAt'));
  const pending = sessionStorage.getItem(GITHUB_PENDING);
  if (token !== null) history.replaceState(null, '', location.pathname);
  // A hand-back is taken only in the tab that started the login, within the GitHub state's lifetime:
  // a link carrying someone else's token cannot log a visitor in as them.
  if (token !== null && participantId !== null && Number.isFinite(expiresAt) && pending !== null && Date.now() - Number(pending) < 15 * 60_000) {
    sessionStorage.removeItem(GITHUB_PENDING);
    const session: StoredSession = { token, participantId, expiresAt, provider: 'github' };
    saveSession(session);
    return session;
  }
  const text = sessionStorage.getItem(KEY);
  if (text === null) return undefined;
  try {
    const session = JSON.parse(text) as StoredSession;
    return session.expiresAt > Date.now() ? session : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: StoredSession): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function forgetSession(): void {
  sessionStorage.removeItem(KEY);
}

/** A client of the coordinator this page came from, logged in with the session. */
export function clientFor(session: StoredSession | undefined): ParticipantClient {
  const client = new ParticipantClient(location.origin);
  if (session !== undefined) client.token = session.token;
  return client;
}
