// GET /records?page=N: every record of the ceremony, oldest first, in the records ledger's order and
// with its chain: each item carries the ledger entry's text (which names the previous entry's key and
// the record's) and the record's text, so anyone can check both hashes and the links
// (`ceremony verify` does). Page N holds entries N * pageSize onward; the last page grows.
import Router from '@koa/router';
import { CeremonyError } from '../common/errors.js';
import type { ObjectStore } from '../store/index.js';
import type { LedgerItem } from '../workflows/evidence/records-ledger.js';
import type { RecordsLedger } from './records-ledger.js';
import type { RecordsPage } from './contracts/records.js';
import { RecordsQuerySchema } from './contracts/params.js';
import { queryOf, validateQuery } from './http/validate.js';

/** Records and ledger entries are small JSON documents; a larger one is not served. */
const MAX_RECORD_BYTES = 256 * 1024;
const MAX_PAGE_BYTES = 4 * 1024 * 1024;

async function text(store: ObjectStore, key: string, maxBytes: number): Promise<string> {
  return Buffer.from(await store.getBytes(key, maxBytes)).toString('utf8');
}

export function recordsRoutes(deps: { store: ObjectStore; ledger: RecordsLedger }): Router {
  const { store, ledger } = deps;
  const router = new Router();
  router.get('/records', validateQuery(RecordsQuerySchema), async (ctx) => {
    const { page } = queryOf(ctx, RecordsQuerySchema);
    const index = await ledger.index();
    const pages = index.pages.length + 1;
    if (page >= pages) throw new CeremonyError('NOT_FOUND', `there are ${pages} pages of records (0 to ${pages - 1})`);
    let items: LedgerItem[];
    let from: number;
    if (page < index.pages.length) {
      const stored = JSON.parse(await text(store, index.pages[page] as string, MAX_PAGE_BYTES)) as { from: number; items: LedgerItem[] };
      ({ from, items } = stored);
    } else {
      items = index.current;
      from = index.count - index.current.length;
    }
    const served: RecordsPage['items'] = [];
    for (const [i, item] of items.entries()) {
      served.push({
        index: from + i,
        kind: item.kind,
        entryKey: item.entryKey,
        entry: await text(store, item.entryKey, MAX_RECORD_BYTES),
        recordKey: item.recordKey,
        record: await text(store, item.recordKey, MAX_RECORD_BYTES),
      });
    }
    ctx.set('Cache-Control', page < index.pages.length ? 'public, max-age=31536000, immutable' : 'no-cache');
    ctx.body = { page, pages, pageSize: index.pageSize, count: index.count, items: served } satisfies RecordsPage;
  });
  return router;
}
