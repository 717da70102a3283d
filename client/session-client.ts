// What every API client shares: the coordinator's URL, the session token, and logging in.
import { requestJson, type RequestOptions } from './http.js';

type JsonCall = <T>(baseUrl: string, path: string, options?: RequestOptions) => Promise<T>;

export class SessionClient {
  token: string | undefined;

  constructor(readonly baseUrl: string) {}

  protected auth(): string {
    if (this.token === undefined) throw new Error('log in first');
    return this.token;
  }

  /** POST /login with a provider's proof; keeps the token; returns the participant id. */
  protected async login(proof: Record<string, unknown>, call: JsonCall = requestJson): Promise<string> {
    const r = await call<{ token: string; participantId: string }>(this.baseUrl, '/login', { json: proof });
    this.token = r.token;
    return r.participantId;
  }
}
