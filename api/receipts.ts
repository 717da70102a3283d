// `GET /receipts/:id`: a signed receipt of either ceremony mode, by id (the SHA-256 of the stored
// receipt, under receipts/). Verify it with `ceremony verify-receipt` against /ceremony/info's keys.
import Router from '@koa/router';
import type { ObjectStore } from '../store/index.js';
import { RECEIPT_PREFIX } from '../store/keys.js';
import { ReceiptParamsSchema } from './contracts/params.js';
import { paramsOf, validateParams } from './http/validate.js';
import { streamObject } from './public-objects.js';

export function receiptRoutes(store: ObjectStore): Router {
  const router = new Router();
  router.get('/receipts/:id', validateParams(ReceiptParamsSchema, 'NOT_FOUND'), async (ctx) => {
    const { id } = paramsOf(ctx, ReceiptParamsSchema);
    await streamObject(ctx, store, `${RECEIPT_PREFIX}/${id}`, id);
  });
  return router;
}
