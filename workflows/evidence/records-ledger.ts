// The records ledger: one workflow per ceremony that puts every record in one order and chains it.
// Whoever writes a record (a turn, a participant, a round, the API for admin actions and refusals)
// stores it (content-addressed, records/<sha256>) and then signals its key here. The ledger appends
// an entry {index, previous, record, kind} per record, stored content-addressed too
// (records-ledger/<sha256>), so each entry commits to the previous entry's hash and to its record's:
// changing, dropping or reordering anything breaks the chain from there on. Every `pageSize` entries
// it writes a page listing them (records-pages/<sha256>); the state keeps only the page keys and the
// current page, so it stays small however long the ceremony runs. GET /records serves the pages;
// `ceremony verify` checks the chain.
import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { describedBy, describedQuery, describedSignal } from '../message-descriptions.js';

export interface RecordNote {
  /** The stored record's key, records/<sha256>. */
  key: string;
  kind: string;
}

/** What one ledger entry holds; stored as its JSON text. */
export interface LedgerEntry {
  index: number;
  /** The previous entry's key (records-ledger/<sha256>), null for the first. */
  previous: string | null;
  /** The record's key (records/<sha256>). */
  record: string;
  kind: string;
}

export interface LedgerItem {
  entryKey: string;
  recordKey: string;
  kind: string;
}

export interface LedgerState {
  count: number;
  lastEntryKey: string | null;
  /** Keys of the full pages, oldest first; page p holds entries p * pageSize ... */
  pages: string[];
  /** The entries after the last full page. */
  current: LedgerItem[];
  /** The most recent record keys: a record signalled twice (an activity retried) is chained once. */
  recent: string[];
}

export interface RecordsIndex {
  count: number;
  pageSize: number;
  pages: string[];
  current: LedgerItem[];
}

export interface LedgerActivities {
  storeLedgerEntry(input: { entry: LedgerEntry }): Promise<{ key: string }>;
  storeLedgerPage(input: { from: number; items: LedgerItem[] }): Promise<{ key: string }>;
}

export interface RecordsLedgerInput {
  ceremonyId: string;
  taskQueue: string;
  pageSize: number;
  state?: LedgerState;
  /** Notes received but not yet chained when the previous run continued as new. */
  pending?: RecordNote[];
}

export const recordWrittenSignal = describedSignal<[RecordNote]>('recordWritten', 'A record was written to the store: chain it into the ledger (once per key).');
export const recordsIndexQuery = describedQuery<RecordsIndex>('recordsIndex', 'The ledger’s index: how many records, the full pages’ keys and the current page’s items.');

/** How many recent record keys the ledger remembers to chain a record once. */
const RECENT = 256;

export function recordsLedgerWorkflowId(ceremonyId: string): string {
  return `ceremony-${ceremonyId}-records`;
}

export async function recordsLedgerWorkflow(input: RecordsLedgerInput): Promise<void> {
  const activities = proxyActivities<LedgerActivities>({
    taskQueue: input.taskQueue,
    startToCloseTimeout: '30 seconds',
    // Evidence is never given up: retried until the store takes it.
    retry: { initialInterval: '200 milliseconds', maximumInterval: '30 seconds' },
  });
  const state: LedgerState = input.state ?? { count: 0, lastEntryKey: null, pages: [], current: [], recent: [] };
  const queue: RecordNote[] = [...(input.pending ?? [])];
  setHandler(
    recordWrittenSignal,
    (note) => {
      queue.push(note);
    },
    describedBy(recordWrittenSignal),
  );
  setHandler(recordsIndexQuery, () => ({ count: state.count, pageSize: input.pageSize, pages: [...state.pages], current: [...state.current] }), describedBy(recordsIndexQuery));

  for (;;) {
    await condition(() => queue.length > 0 || workflowInfo().continueAsNewSuggested);
    // A steady stream of records must not keep the history growing: continue as new between two
    // entries when Temporal suggests it, carrying the notes not chained yet.
    while (queue.length > 0 && !workflowInfo().continueAsNewSuggested) {
      const note = queue.shift() as RecordNote;
      if (state.recent.includes(note.key)) continue;
      const entry: LedgerEntry = { index: state.count, previous: state.lastEntryKey, record: note.key, kind: note.kind };
      const { key } = await activities.storeLedgerEntry({ entry });
      state.count += 1;
      state.lastEntryKey = key;
      state.current.push({ entryKey: key, recordKey: note.key, kind: note.kind });
      state.recent = [...state.recent.slice(-(RECENT - 1)), note.key];
      if (state.current.length >= input.pageSize) {
        const page = await activities.storeLedgerPage({ from: state.count - state.current.length, items: state.current });
        state.pages.push(page.key);
        state.current = [];
      }
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof recordsLedgerWorkflow>({ ...input, state, pending: [...queue] });
    }
  }
}
