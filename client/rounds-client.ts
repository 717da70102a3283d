// A client of the rounds-mode API: what the rounds contributor, the replacement and the verifier use.
import type { RoundsCeremonyStatus } from '../workflows/rounds/ceremony-types.js';
import type { JWK } from 'jose';
import type { RoundStatus, TaskAnswer, VerificationTask } from '../workflows/rounds/types.js';

export type RoundsStatusAnswer = RoundsCeremonyStatus & { round: RoundStatus | null };
import { request, requestJson, withRetries, type RequestOptions } from './http.js';
import { SessionClient } from './session-client.js';

function json<T>(baseUrl: string, path: string, options: RequestOptions = {}, repeatable = true): Promise<T> {
  return withRetries(() => requestJson<T>(baseUrl, path, options), repeatable);
}

export class RoundsClient extends SessionClient {
  loginDev(name: string): Promise<string> {
    return this.login({ provider: 'dev', name }, json);
  }

  join(): Promise<{ position: number; round: number }> {
    return json(this.baseUrl, '/rounds/join', { method: 'POST', token: this.auth() });
  }

  nextTask(): Promise<TaskAnswer> {
    return json(this.baseUrl, '/rounds/tasks/next', { method: 'POST', token: this.auth() });
  }

  heartbeat(): Promise<{ ok: boolean }> {
    return json(this.baseUrl, '/rounds/heartbeat', { method: 'POST', token: this.auth() });
  }

  instructions(): Promise<Record<string, unknown>> {
    return json(this.baseUrl, '/rounds/instructions', { token: this.auth() });
  }

  async object(key: string): Promise<string> {
    return withRetries(async () => (await request(this.baseUrl, `/rounds/objects/${key}`)).text(), true);
  }

  submitChunk(chunk: number, baseStateKey: string, contributionJson: string): Promise<{ contributionId: string; status: string }> {
    return json(this.baseUrl, `/rounds/contribution/${chunk}?base=${encodeURIComponent(baseStateKey)}`, { method: 'POST', token: this.auth(), body: contributionJson, timeoutMs: 300_000 }, false);
  }

  nextVerification(): Promise<VerificationTask> {
    return json(this.baseUrl, '/rounds/verifications/next', { method: 'POST', token: this.auth() });
  }

  submitVerification(contributionId: string, signature: string): Promise<{ accepted: boolean }> {
    return json(this.baseUrl, `/rounds/verifications/${encodeURIComponent(contributionId)}`, { method: 'POST', token: this.auth(), json: { signature } }, false);
  }

  status(): Promise<RoundsStatusAnswer> {
    return json(this.baseUrl, '/rounds/status');
  }

  /** The coordinator's published receipt keys (a JWK set) and the ceremony's settings. */
  info(): Promise<{ ceremonyId: string; receiptKeys: { keys: JWK[] } }> {
    return json(this.baseUrl, '/ceremony/info');
  }

  receipt(id: string): Promise<unknown> {
    return json(this.baseUrl, `/receipts/${id}`);
  }
}
