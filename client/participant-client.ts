// A client of the sequential participant API: what the reference contributor and the tests use. The
// answers are typed by the API's own contracts (api/contracts/ceremony.ts).
import { CHECKIN_TOKEN } from '../api/contracts/checkin-token.js';
import type { CeremonyInfo, CheckinAnswer, CompleteAnswer, ParticipantView } from '../api/contracts/ceremony.js';
import { TURN_HEADERS } from '../api/contracts/turn-headers.js';
import { githubDeviceLogin, type GithubDeviceOptions } from './github-device.js';
import { readText, request, requestJson } from './http.js';
import { SessionClient } from './session-client.js';

export interface StartAnswer {
  /** The current powers, a BatchContribution JSON text. */
  powers: string;
  turnId: string;
  sequence: number;
  computeDeadline: string;
  transcriptSha256: string;
}

export type { CheckinAnswer, CompleteAnswer, ParticipantView };

export class ParticipantClient extends SessionClient {
  loginDev(name: string): Promise<string> {
    return this.login({ provider: 'dev', name });
  }

  loginSiwe(message: string, signature: string): Promise<string> {
    return this.login({ provider: 'siwe', message, signature });
  }

  /** GitHub through the coordinator's device flow: shows the person a code, polls until they approve it. */
  async loginGithubDevice(options: GithubDeviceOptions): Promise<string> {
    const session = await githubDeviceLogin(this.baseUrl, options);
    this.token = session.token;
    return session.participantId;
  }

  /** The check-in token of the last answer, handed back with the next check-in (an early one is answered from it). */
  private checkinToken: string | undefined;

  async enter(): Promise<CheckinAnswer> {
    return this.keepToken(await requestJson<CheckinAnswer>(this.baseUrl, '/lobby/enter', { method: 'POST', token: this.auth() }));
  }

  async checkin(): Promise<CheckinAnswer> {
    const headers = this.checkinToken === undefined ? undefined : { [CHECKIN_TOKEN.header]: this.checkinToken };
    // A refusal or a failure forgets the token: the next check-in asks the participant's workflow.
    this.checkinToken = undefined;
    return this.keepToken(await requestJson<CheckinAnswer>(this.baseUrl, '/lobby/checkin', { method: 'POST', token: this.auth(), headers }));
  }

  private keepToken(answer: CheckinAnswer): CheckinAnswer {
    this.checkinToken = answer.checkinToken;
    return answer;
  }

  /** The caller's own record: status, strikes, penalty, receipts, the current check-in deadline, and why it last lost its place or turn. */
  participant(): Promise<ParticipantView> {
    return requestJson(this.baseUrl, '/participant', { token: this.auth() });
  }

  leave(): Promise<{ status: string }> {
    this.checkinToken = undefined;
    return requestJson(this.baseUrl, '/queue/leave', { method: 'POST', token: this.auth() });
  }

  /** Starts the turn and downloads the current powers (`onDownload` is told the bytes as they come). */
  async start(onDownload?: (received: number, total: number | undefined) => void): Promise<StartAnswer> {
    const res = await request(this.baseUrl, '/contribution/start', { method: 'POST', token: this.auth() });
    return {
      powers: await readText(res, onDownload),
      turnId: res.headers.get(TURN_HEADERS.turnId) ?? '',
      sequence: Number(res.headers.get(TURN_HEADERS.sequence)),
      computeDeadline: res.headers.get(TURN_HEADERS.computeDeadline) ?? '',
      transcriptSha256: res.headers.get(TURN_HEADERS.transcriptSha256) ?? '',
    };
  }

  /** Uploads the contribution; the answer comes once the coordinator has verified it. */
  complete(contributionJson: string, onUpload?: (sent: number, total: number) => void): Promise<CompleteAnswer> {
    return requestJson(this.baseUrl, '/contribution/complete', { method: 'POST', token: this.auth(), body: contributionJson, timeoutMs: 300_000, onUpload });
  }

  abort(): Promise<{ outcome: string }> {
    return requestJson(this.baseUrl, '/contribution/abort', { method: 'POST', token: this.auth() });
  }

  status(): Promise<Record<string, unknown>> {
    return requestJson(this.baseUrl, '/ceremony/status');
  }

  info(): Promise<CeremonyInfo> {
    return requestJson(this.baseUrl, '/ceremony/info');
  }

  async transcript(sequence?: number): Promise<string> {
    const res = await request(this.baseUrl, sequence === undefined ? '/transcript' : `/transcript/${sequence}`);
    return res.text();
  }

  async receipt(id: string): Promise<unknown> {
    return requestJson(this.baseUrl, `/receipts/${id}`);
  }
}
