// Participant identity strings accepted in a transcript (transcriptSchema.json).

const ETHEREUM_ID = /^eth\|0x[a-f\d]{40}$/;
const GITHUB_ID = /^git\|\d{1,16}\|@[a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38}$/;

/** True for `eth|0x<40 hex>`, `git|<id>|@<handle>` or the empty string. */
export function isValidParticipantId(id: string): boolean {
  return id === '' || ETHEREUM_ID.test(id) || GITHUB_ID.test(id);
}
