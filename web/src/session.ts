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

export function loadSession(): StoredSession | undefined {
  const fromGithub = new URLSearchParams(location.hash.slice(1));
  const token = fromGithub.get('token');
  const participantId = fromGithub.get('participantId');
  const expiresAt = Number(fromGithub.get('expiresAt'));
  if (token !== null && participantId !== null && Number.isFinite(expiresAt)) {
    history.replaceState(null, '', location.pathname);
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
