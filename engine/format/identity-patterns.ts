// Participant identity strings accepted in a transcript (transcriptSchema.json).

const ETHEREUM_ID = /^eth\|0x[a-f\d]{40}$/;
const GITHUB_ID = /^git\|\d{1,16}\|@[a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38}$/;

/** True for `eth|0x<40 hex>`, `git|<id>|@<handle>` or the empty string. */
export function isValidParticipantId(id: string): boolean {
  return id === '' || ETHEREUM_ID.test(id) || GITHUB_ID.test(id);
}

/**
 * The participant id a transcript records for a login identity, as the KZG spec writes it: an
 * Ethereum address in lower case, a GitHub handle in lower case (GitHub handles are case-insensitive;
 * the schema admits lower case only). Anything else (a development login) is the empty string the
 * schema allows for "no identity".
 */
export function transcriptParticipantId(identity: string): string {
  const parts = identity.split('|');
  const spelled = identity.startsWith('eth|') ? identity.toLowerCase() : identity.startsWith('git|') && parts.length === 3 ? `git|${parts[1]}|${(parts[2] ?? '').toLowerCase()}` : identity;
  return spelled !== '' && isValidParticipantId(spelled) ? spelled : '';
}
