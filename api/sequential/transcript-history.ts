// Finds the transcript of a past sequence number by walking the hash chain of records backwards from
// the newest. Immutable answers are cached (bounded).
import { CeremonyError } from '../../common/errors.js';
import type { ObjectStore } from '../../store/index.js';

const MAX_RECORD_BYTES = 64 * 1024;
const CACHE_LIMIT = 10_000;

interface ChainRecord {
  kind?: string;
  sequence?: number;
  previousRecordKey?: string;
  transcriptSha256Before?: string;
  transcriptSha256After?: string;
}

export class TranscriptHistory {
  private readonly bySequence = new Map<number, string>();

  constructor(private readonly store: ObjectStore) {}

  private remember(sequence: number, sha256: string): void {
    if (this.bySequence.size >= CACHE_LIMIT) this.bySequence.clear();
    this.bySequence.set(sequence, `transcripts/${sha256}`);
  }

  async keyOf(sequence: number, newestRecordKey: string | undefined, headSequence: number): Promise<string> {
    if (!Number.isInteger(sequence) || sequence < 0 || sequence > headSequence) {
      throw new CeremonyError('NOT_FOUND', `no transcript with sequence ${sequence} (the newest is ${headSequence})`);
    }
    const known = this.bySequence.get(sequence);
    if (known !== undefined) return known;
    let cursor = newestRecordKey;
    while (cursor !== undefined) {
      const record = JSON.parse(Buffer.from(await this.store.getBytes(cursor, MAX_RECORD_BYTES)).toString('utf8')) as ChainRecord;
      if ((record.kind === 'accepted' || record.kind === 'beacon') && typeof record.sequence === 'number' && record.transcriptSha256After !== undefined) {
        this.remember(record.sequence, record.transcriptSha256After);
        if (record.transcriptSha256Before !== undefined) this.remember(record.sequence - 1, record.transcriptSha256Before);
        const found = this.bySequence.get(sequence);
        if (found !== undefined) return found;
      }
      cursor = record.previousRecordKey;
    }
    throw new CeremonyError('NOT_FOUND', `no transcript with sequence ${sequence}`);
  }
}
