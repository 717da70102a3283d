// `GET /receipts/:id`: a signed receipt of either ceremony mode, by id (the SHA-256 of the stored
// receipt, under receipts/). Verify it with `ceremony verify-receipt` against /ceremony/info's keys.
import Router from '@koa/router';
import { CeremonyError } from '../common/errors.js';
import type { ObjectStore } from '../store/index.js';
import { streamObject } from './public-objects.js';

import { RECEIPT_PREFIX } from '../store/keys.js';

export function receiptRoutes(store: ObjectStore): Router {
  const router = new Router();
  router.get('/receipts/:id', async (ctx) => {
    const id = ctx.params['id'] ?? '';
    if (!/^[0-9a-f]{64}$/.test(id)) throw new CeremonyError('NOT_FOUND', 'a receipt id is 64 lowercase hex digits');
    await streamObject(ctx, store, `${RECEIPT_PREFIX}/${id}`, id);
  });
  return router;
}
