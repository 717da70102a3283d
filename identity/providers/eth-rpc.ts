// One Ethereum JSON-RPC call: eth_getTransactionCount(address, "latest"), the account's nonce.
import { z } from 'zod';
import { fetchJson, upstreamUnavailable, type FetchLike } from './upstream.js';

const WHAT = 'Ethereum JSON-RPC node';

const rpcAnswer = z.union([z.object({ result: z.string().regex(/^0x[0-9a-fA-F]{1,64}$/) }), z.object({ error: z.object({ code: z.number(), message: z.string() }) })]);

export async function getTransactionCount(rpcUrl: string, address: string, options: { timeoutMs: number; fetch?: FetchLike }): Promise<bigint> {
  const request = { jsonrpc: '2.0', id: 1, method: 'eth_getTransactionCount', params: [address, 'latest'] };
  const { status, body } = await fetchJson(
    rpcUrl,
    { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(request) },
    { what: WHAT, timeoutMs: options.timeoutMs, ...(options.fetch === undefined ? {} : { fetch: options.fetch }) },
  );
  const parsed = rpcAnswer.safeParse(body);
  if (status !== 200 || !parsed.success) throw upstreamUnavailable(WHAT, `unexpected answer (HTTP ${status})`);
  if ('error' in parsed.data) throw upstreamUnavailable(WHAT, `error ${parsed.data.error.code}: ${parsed.data.error.message}`);
  return BigInt(parsed.data.result);
}
