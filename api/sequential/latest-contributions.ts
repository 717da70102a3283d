// GET /ceremony/contributions: the newest accepted contributions (and the beacon), read from the
// records ledger newest first, for the live page. Records are immutable, so their texts are cached
// (bounded); a call reads at most MAX_EXAMINED records.
import type { ObjectStore } from '../../store/index.js';
import type { LedgerItem } from '../../workflows/evidence/records-ledger.js';
import type { LatestContributions } from '../contracts/ceremony.js';
import type { RecordsLedger } from '../records-ledger.js';

const MAX_RECORD_BYTES = 64 * 1024;
const MAX_PAGE_BYTES = 4 * 1024 * 1024;
/** Records looked at per call at most (turn outcomes, check-ins missed, admin actions...). */
const MAX_EXAMINED = 1_000;
const CACHE_LIMIT = 5_000;
/** Answers are this fresh at most: every viewer of the live page asks every few seconds. */
const ANSWER_TTL_MS = 2_000;

type Item = LatestContributions['items'][number];

interface AcceptedRecord {
  kind?: string;
  sequence?: number;
  identity?: string;
  /** ISO time as records write it (epoch ms accepted too). */
  at?: string | number;
  transcriptSha256After?: string;
  receiptId?: string;
}

export class LatestContributionsReader {
  /** recordKey → the contribution it records, or null for a record of something else. */
  private readonly records = new Map<string, Item | null>();
  private readonly pages = new Map<string, LedgerItem[]>();
  /** The newest answer per limit, and when it was made. */
  private readonly answers = new Map<number, { at: number; answer: Promise<LatestContributions> }>();

  constructor(
    private readonly store: ObjectStore,
    private readonly ledger: RecordsLedger,
  ) {}

  /** The newest `limit` contributions; one ledger query per ANSWER_TTL_MS whatever the number of callers. */
  newest(limit: number, now = Date.now()): Promise<LatestContributions> {
    const cached = this.answers.get(limit);
    if (cached !== undefined && now - cached.at < ANSWER_TTL_MS) return cached.answer;
    const answer = this.read(limit);
    this.answers.set(limit, { at: now, answer });
    answer.catch(() => this.answers.delete(limit));
    return answer;
  }

  private async read(limit: number): Promise<LatestContributions> {
    const index = await this.ledger.index();
    const items: Item[] = [];
    let examined = 0;
    const visit = async (ledgerItems: readonly LedgerItem[]): Promise<boolean> => {
      for (let i = ledgerItems.length - 1; i >= 0 && items.length < limit && examined < MAX_EXAMINED; i--) {
        const item = ledgerItems[i] as LedgerItem;
        examined += 1;
        if (item.kind !== 'accepted' && item.kind !== 'beacon') continue;
        const found = await this.contribution(item.recordKey);
        if (found !== null) items.push(found);
      }
      return items.length < limit && examined < MAX_EXAMINED;
    };
    if (await visit(index.current)) {
      for (let p = index.pages.length - 1; p >= 0; p--) {
        if (!(await visit(await this.page(index.pages[p] as string)))) break;
      }
    }
    return { items };
  }

  private async contribution(recordKey: string): Promise<Item | null> {
    const cached = this.records.get(recordKey);
    if (cached !== undefined) return cached;
    const record = JSON.parse(Buffer.from(await this.store.getBytes(recordKey, MAX_RECORD_BYTES)).toString('utf8')) as AcceptedRecord;
    const at = typeof record.at === 'string' ? Date.parse(record.at) : record.at;
    const item: Item | null =
      typeof record.sequence === 'number' && typeof record.identity === 'string' && typeof at === 'number' && Number.isFinite(at) && typeof record.transcriptSha256After === 'string'
        ? {
            sequence: record.sequence,
            identity: record.identity,
            at,
            transcriptSha256After: record.transcriptSha256After,
            ...(record.receiptId === undefined ? {} : { receiptId: record.receiptId }),
            recordKey,
          }
        : null;
    if (this.records.size >= CACHE_LIMIT) this.records.clear();
    this.records.set(recordKey, item);
    return item;
  }

  private async page(key: string): Promise<LedgerItem[]> {
    const cached = this.pages.get(key);
    if (cached !== undefined) return cached;
    const stored = JSON.parse(Buffer.from(await this.store.getBytes(key, MAX_PAGE_BYTES)).toString('utf8')) as { items: LedgerItem[] };
    if (this.pages.size >= 64) this.pages.clear();
    this.pages.set(key, stored.items);
    return stored.items;
  }
}
