// GET /records: one page of the records ledger.
import { z } from 'zod';
import { count, text } from './primitives.js';
import { named } from './registry.js';

export const RecordsPageSchema = named(
  'RecordsPage',
  z.object({
    page: count('this page'),
    pages: z.number().int().min(1).describe('number of pages'),
    pageSize: z.number().int().min(1).describe('entries per full page'),
    count: count('records in the ledger'),
    items: z.array(
      z.object({
        index: count('position in the ledger, from 0'),
        kind: text('the kind of record'),
        entryKey: text('records-ledger/<sha256 of entry>'),
        entry: text('the ledger entry as stored: JSON text {index, previous, record, kind}'),
        recordKey: text('records/<sha256 of record>'),
        record: text('the record as stored: JSON text'),
      }),
    ),
  }),
);
export type RecordsPage = z.infer<typeof RecordsPageSchema>;
