// The contributor's rules without a coordinator: when its turn is gone, what it prints and which exit
// code it gives, and the pasted-signature signer fed lines as a person would type them.
import { describe, expect, it } from 'vitest';
import { contributorOutcome, describeDeviceCode } from '../../client/contributor-cli.js';
import { checkMessageSignature, checkPubkeysSignature, NoSignatureError, pastedSigner } from '../../client/ethereum-signer.js';
import { ApiError } from '../../client/http.js';
import { CONTRIBUTOR_EXIT, describeTurnedAway, TurnedAwayError, turnGone } from '../../client/turned-away.js';
import { signEcdsa } from '../../engine/identity/pot-typed-data.js';
import { privateKeyToAddress } from '../../engine/identity/secp256k1.js';
import { signSiwe } from '../../identity/siwe.js';

const KEY = `0x${'22'.repeat(32)}`;
const OTHER = `0x${'33'.repeat(32)}`;
const ADDRESS = privateKeyToAddress(KEY);
const PUBKEYS = [{ numG1Powers: 8, numG2Powers: 3, potPubkey: `0x${'ab'.repeat(96)}` }];
const dropped = { code: 'dropped' as const, message: 'an administrator removed you from the queue or from your turn (reason: x)', detail: 'x', at: 1 };

describe('turnGone', () => {
  it('is false only while the participant holds this very turn with no reason recorded', () => {
    expect(turnGone({ status: 'ready', turnId: 't1' }, 't1')).toBe(false);
    expect(turnGone({ status: 'ready', turnId: 't2' }, 't1')).toBe(true);
    expect(turnGone({ status: 'idle' }, 't1')).toBe(true);
    expect(turnGone({ status: 'banned' }, 't1')).toBe(true);
    // Dropped: the reason is recorded before the cancelled turn reaches the participant.
    expect(turnGone({ status: 'ready', turnId: 't1', reason: dropped }, 't1')).toBe(true);
  });
});

describe('the outcome of a run', () => {
  it('turned away: exit 3, the reason on stderr and in the JSON', () => {
    const outcome = contributorOutcome({ ok: false, error: new TurnedAwayError(dropped, undefined, true) });
    expect(outcome.code).toBe(CONTRIBUTOR_EXIT.turnedAway);
    expect(outcome.stdout).toEqual({ accepted: false, turnedAway: true, refusal: undefined, reason: dropped });
    expect(outcome.stderr).toBe(`turned away: the turn was taken from us and we stopped at once; ${dropped.message} [dropped]`);
    expect(describeTurnedAway(new TurnedAwayError(undefined, 'NOT_IN_QUEUE'))).toBe('turned away: the coordinator turned this participant away (NOT_IN_QUEUE)');
  });

  it('accepted: 0, or 1 when the receipt does not verify; a refusal 1; anything else 2', () => {
    const result = { participantId: 'dev|a', sequence: 1, receiptId: 'r', receiptValid: true, transcriptSha256: 'h' };
    expect(contributorOutcome({ ok: true, value: result }).code).toBe(0);
    expect(contributorOutcome({ ok: true, value: { ...result, receiptValid: false } }).code).toBe(1);
    expect(contributorOutcome({ ok: false, error: new ApiError(401, 'LOGIN_REJECTED', 'no', { reason: 'OAUTH_DENIED' }, undefined) })).toMatchObject({
      code: 1,
      stdout: { accepted: false, code: 'LOGIN_REJECTED', details: { reason: 'OAUTH_DENIED' } },
    });
    expect(contributorOutcome({ ok: false, error: new NoSignatureError('none given') })).toEqual({ code: 2, stderr: 'none given' });
    expect(contributorOutcome({ ok: false, error: new Error('gave up') })).toEqual({ code: 2, stderr: 'gave up' });
  });

  it('tells the person where to enter the GitHub code, and until when', () => {
    expect(describeDeviceCode({ userCode: 'ABCD-1234', verificationUri: 'https://github.com/login/device', expiresAt: Date.UTC(2026, 0, 1) })).toBe(
      'to log in with GitHub, open https://github.com/login/device and enter the code ABCD-1234 (valid until 2026-01-01T00:00:00.000Z); waiting for you to approve it',
    );
  });
});

describe('pasted signatures', () => {
  it('checks a message signature against the address, saying whose it is', () => {
    expect(checkMessageSignature('hello', signSiwe(KEY, 'hello'), ADDRESS.toLowerCase())).toEqual({ ok: true });
    expect(checkMessageSignature('hello', signSiwe(OTHER, 'hello'), ADDRESS)).toEqual({ ok: false, why: `that signature is by ${privateKeyToAddress(OTHER)}, not ${ADDRESS}` });
    expect(checkMessageSignature('hello', '0x12', ADDRESS)).toMatchObject({ ok: false, why: expect.stringMatching(/^that is not a signature/) as unknown });
    expect(checkPubkeysSignature(PUBKEYS, signEcdsa(KEY, PUBKEYS), ADDRESS)).toEqual({ ok: true });
    expect(checkPubkeysSignature(PUBKEYS, signEcdsa(OTHER, PUBKEYS), ADDRESS)).toMatchObject({ ok: false });
  });

  /** A signer fed these lines (then the end of the input); answers it and what it showed. */
  function fed(lines: string[]): { signer: ReturnType<typeof pastedSigner>; shown: string[] } {
    const shown: string[] = [];
    const queue = [...lines];
    return { signer: pastedSigner({ address: ADDRESS.toLowerCase(), show: (t) => shown.push(t), readLine: () => Promise.resolve(queue.shift()) }), shown };
  }

  it('asks again after a bad signature and takes the good one', async () => {
    const { signer, shown } = fed(['not one', signSiwe(OTHER, 'msg'), signSiwe(KEY, 'msg')]);
    expect(signer.address).toBe(ADDRESS);
    await expect(signer.signMessage('msg')).resolves.toBe(signSiwe(KEY, 'msg'));
    expect(shown).toHaveLength(3);
    expect(shown[0]).toContain('msg');
    expect(shown[2]).toMatch(/that signature is by .*; paste the signature again \(an empty line gives up\)/);
  });

  it('no login signature (an empty line, or the end of the input) gives up; no pubkeys signature leaves it out', async () => {
    await expect(fed(['']).signer.signMessage('msg')).rejects.toBeInstanceOf(NoSignatureError);
    await expect(fed([]).signer.signMessage('msg')).rejects.toBeInstanceOf(NoSignatureError);
    await expect(fed(['']).signer.signPubkeys(PUBKEYS)).resolves.toBeUndefined();
    const good = signEcdsa(KEY, PUBKEYS);
    await expect(fed(['0xbad', good]).signer.signPubkeys(PUBKEYS)).resolves.toBe(good);
  });
});
