// Check a receipt (/receipt): a receipt file from a contributor, verified in the browser against the
// keys the coordinator publishes at /ceremony/info, and how to check everything else yourself.
import type { CeremonyInfo } from '../../api/contracts/ceremony.js';
import type { RoundsCeremonyInfo } from '../../api/contracts/rounds.js';
import { requestJson } from '../../client/http.js';
import { verifyReceipt } from '../../evidence/receipt.js';
import { byId, el, fill } from './dom.js';
import { explain } from './error-words.js';

const origin = location.origin;

async function check(text: string): Promise<void> {
  const info = await requestJson<CeremonyInfo | RoundsCeremonyInfo>(origin, '/ceremony/info');
  let receipt: unknown;
  try {
    receipt = JSON.parse(text);
  } catch {
    fill('verdict', el('p', { class: 'invalid', 'data-valid': 'false' }, 'This is not a receipt: it is not JSON.'));
    return;
  }
  const result = await verifyReceipt(receipt, info.receiptKeys.keys);
  if (!result.valid) {
    fill('verdict', el('p', { class: 'invalid', 'data-valid': 'false' }, `This receipt does NOT verify (${result.code}): ${result.message}`));
    return;
  }
  if (result.payload.ceremonyId !== info.ceremonyId) {
    fill('verdict', el('p', { class: 'invalid', 'data-valid': 'false' }, `This receipt is signed, but for ceremony ${result.payload.ceremonyId}, not this one (${info.ceremonyId}).`));
    return;
  }
  const rows: Array<[string, string]> =
    result.kind === 'turn'
      ? [
          ['identity', result.payload.identity],
          ['contribution', `#${result.payload.sequence}`],
          ['transcript before', result.payload.transcriptSha256Before],
          ['transcript after', result.payload.transcriptSha256After],
          ['accepted', result.payload.acceptedAt],
        ]
      : [
          ['identity', result.payload.identity],
          ['round', String(result.payload.round)],
          ['aggregated parameters', result.payload.aggregatedSha256],
          ['issued', result.payload.issuedAt],
        ];
  fill(
    'verdict',
    el('p', { class: 'valid', 'data-valid': 'true' }, `This receipt verifies: signed by the coordinator’s published key for ceremony ${info.ceremonyId}.`),
    el('table', {}, el('tbody', {}, ...rows.map(([name, value]) => el('tr', {}, el('th', {}, name), el('td', {}, el('code', {}, value)))))),
  );
}

async function main(): Promise<void> {
  const info = await requestJson<CeremonyInfo | RoundsCeremonyInfo>(origin, '/ceremony/info');
  fill('key', el('code', {}, info.receiptKeyFingerprints.join(', ')));
  fill('verify-command', `ceremony verify --url ${origin} --receipt receipt.json --key ${info.receiptKeyFingerprints[0] ?? '<fingerprint>'}`);
  const area = byId<HTMLTextAreaElement>('receipt-text');
  byId<HTMLInputElement>('receipt-file').addEventListener('change', (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file === undefined) return;
    if (file.size > 64 * 1024) {
      fill('verdict', el('p', { class: 'invalid', 'data-valid': 'false' }, 'This file is too large to be a receipt.'));
      return;
    }
    void file.text().then((text) => {
      area.value = text;
      return check(text);
    });
  });
  byId('check-button').addEventListener('click', (event) => {
    event.preventDefault();
    check(area.value).catch((err: unknown) => fill('verdict', el('p', { class: 'error' }, explain(err).what)));
  });
}

main().catch((err: unknown) => {
  const words = explain(err);
  fill('verdict', el('p', { class: 'error' }, `${words.what} ${words.next}`));
});
