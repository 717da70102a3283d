// The participant id a transcript records for a login identity (issue #10, item 7): as the KZG
// transcript schema writes it, never an empty string for a real login.
import { describe, expect, it } from 'vitest';
import { isValidParticipantId, transcriptParticipantId } from '../../engine/format/identity-patterns.js';

describe('transcriptParticipantId', () => {
  it.each([
    ['eth|0x' + 'AbCd'.repeat(10), 'eth|0x' + 'abcd'.repeat(10)],
    ['eth|0x' + '12'.repeat(20), 'eth|0x' + '12'.repeat(20)],
    ['git|583231|@octocat', 'git|583231|@octocat'],
    ['git|583231|@OctoCat', 'git|583231|@octocat'],
    ['git|1|@a-b-c', 'git|1|@a-b-c'],
  ])('%s → %s', (identity, id) => {
    expect(transcriptParticipantId(identity)).toBe(id);
    expect(isValidParticipantId(id)).toBe(true);
  });

  it.each(['dev|alice', 'git|abc|@octocat', 'git|1|octocat', 'eth|0x1234', '', 'nobody'])('%s is not a transcript identity: the empty string', (identity) => {
    expect(transcriptParticipantId(identity)).toBe('');
  });
});
