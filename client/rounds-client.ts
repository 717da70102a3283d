// A client of the rounds-mode API: what the rounds contributor, the replacement and the verifier use.
import type { RoundsCeremonyStatus } from '../workflows/rounds/ceremony-types.js';
import type { RoundStatus, TaskAnswer, VerificationTask } from '../workflows/rounds/types.js';

export type RoundsStatusAnswer = RoundsCeremonyStatus & { round: RoundStatus | null };
import { request, requestJson } from './http.js';

export class RoundsClient {
  token: string | undefined;

  constructor(readonly baseUrl: string) {}

  private auth(): string {
    if (this.token === undefined) throw new Error('log in first');
    return this.token;
  }

  async loginDev(name: string): Promise<string> {
    const r = await requestJson<{ token: string; participantId: string }>(this.baseUrl, '/login', { json: { provider: 'dev', name } });
    this.token = r.token;
    return r.participantId;
  }

  join(): Promise<{ position: number; round: number }> {
    return requestJson(this.baseUrl, '/rounds/join', { method: 'POST', token: this.auth() });
  }

  nextTask(): Promise<TaskAnswer> {
    return requestJson(this.baseUrl, '/rounds/tasks/next', { method: 'POST', token: this.auth() });
  }

  heartbeat(): Promise<{ ok: boolean }> {
    return requestJson(this.baseUrl, '/rounds/heartbeat', { method: 'POST', token: this.auth() });
  }

  instructions(): Promise<Record<string, unknown>> {
    return requestJson(this.baseUrl, '/rounds/instructions', { token: this.auth() });
  }

  async object(key: string): Promise<string> {
    return (await request(this.baseUrl, `/rounds/objects/${key}`)).text();
  }

  submitChunk(chunk: number, baseStateKey: string, contributionJson: string): Promise<{ contributionId: string; status: string }> {
    return requestJson(this.baseUrl, `/rounds/contribution/${chunk}?base=${encodeURIComponent(baseStateKey)}`, { method: 'POST', token: this.auth(), body: contributionJson, timeoutMs: 300_000 });
  }

  nextVerification(): Promise<VerificationTask> {
    return requestJson(this.baseUrl, '/rounds/verifications/next', { method: 'POST', token: this.auth() });
  }

  submitVerification(contributionId: string, signature: string): Promise<{ accepted: boolean }> {
    return requestJson(this.baseUrl, `/rounds/verifications/${encodeURIComponent(contributionId)}`, { method: 'POST', token: this.auth(), json: { signature } });
  }

  status(): Promise<RoundsStatusAnswer> {
    return requestJson(this.baseUrl, '/rounds/status');
  }
}
