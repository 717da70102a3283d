// The custom search attributes operators filter the Temporal UI by, declared once: the embedded dev
// server registers them (devServerSearchAttributeArgs), a real cluster's operator creates them
// (docs/operations.md, `temporal operator search-attribute create`), and the workflows are started
// with them (or upsert them, behind patched()) when temporal.searchAttributes says they exist.
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

/** An attribute's key (the SDK does not export the type by name). */
type SearchAttributeKey = ReturnType<typeof defineSearchAttributeKey<SearchAttributeType>>;

export const CEREMONY_ID = defineSearchAttributeKey('CeremonyId', SearchAttributeType.KEYWORD);
export const CEREMONY_MODE = defineSearchAttributeKey('CeremonyMode', SearchAttributeType.KEYWORD);
/** The identity as the transcript and the records show it (eth|0x…, git|<id>|@<handle>, dev|<name>). */
export const PARTICIPANT_IDENTITY = defineSearchAttributeKey('ParticipantIdentity', SearchAttributeType.KEYWORD);
/** How a turn ended (accepted, rejected, start-missed, compute-timeout, aborted, cancelled). */
export const TURN_OUTCOME = defineSearchAttributeKey('TurnOutcome', SearchAttributeType.KEYWORD);
export const ROUND = defineSearchAttributeKey('Round', SearchAttributeType.INT);
export const ROUND_ATTEMPT = defineSearchAttributeKey('RoundAttempt', SearchAttributeType.INT);

export const SEARCH_ATTRIBUTES: ReadonlyArray<SearchAttributeKey> = [CEREMONY_ID, CEREMONY_MODE, PARTICIPANT_IDENTITY, TURN_OUTCOME, ROUND, ROUND_ATTEMPT];

/** The Temporal CLI's name of each type (`--search-attribute Name=Type`, `--type Type`). */
const CLI_TYPES: Partial<Record<SearchAttributeType, string>> = { [SearchAttributeType.KEYWORD]: 'Keyword', [SearchAttributeType.INT]: 'Int' };

function cliType(key: SearchAttributeKey): string {
  const type = CLI_TYPES[key.type];
  if (type === undefined) throw new Error(`no Temporal CLI name for the type of ${key.name}`);
  return type;
}

/** Flags for `temporal server start-dev` that register every attribute. */
export function devServerSearchAttributeArgs(): string[] {
  return SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${cliType(key)}`]);
}

/** The commands an operator runs once on a real cluster before turning temporal.searchAttributes on. */
export function searchAttributeCreateCommands(namespace: string): string[] {
  return SEARCH_ATTRIBUTES.map((key) => `temporal operator search-attribute create --namespace ${namespace} --name ${key.name} --type ${cliType(key)}`);
}

/** Start options carrying the attributes and a one-line memo, when the attributes exist (`on`). */
export function indexedStart(on: boolean | undefined, pairs: SearchAttributePair[], summary: string): { typedSearchAttributes?: SearchAttributePair[]; memo?: { summary: string } } {
  return on === true ? { typedSearchAttributes: pairs, memo: { summary } } : {};
}
