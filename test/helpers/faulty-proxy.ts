// A loopback HTTP proxy in front of the real API that loses answers on purpose: for a chosen request
// it either answers 503 or 504 itself without forwarding, or forwards the request, lets the API do the work,
// and then drops the connection instead of passing the answer on.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'unavailable' | 'timeout' | 'lose-answer';

export interface FaultyProxy {
  url: string;
  /** Requests seen, as "METHOD /path". */
  seen: string[];
  /** Faults injected, as "fault METHOD /path". */
  injected: string[];
  close(): Promise<void>;
}

/** `faultFor` names the fault for the n-th request (1-based) to a method and path, or undefined. */
export async function startFaultyProxy(target: string, faultFor: (call: string, nth: number) => Fault | undefined): Promise<FaultyProxy> {
  const upstream = new URL(target);
  const seen: string[] = [];
  const injected: string[] = [];
  const counts = new Map<string, number>();
  const forward = (req: IncomingMessage, res: ServerResponse, loseAnswer: boolean): void => {
    const out = request({ hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      if (loseAnswer) {
        answer.resume();
        answer.on('end', () => req.socket.destroy());
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => req.socket.destroy());
    req.pipe(out);
  };
  const server: Server = createServer((req, res) => {
    const call = `${req.method ?? 'GET'} ${(req.url ?? '').split('?')[0] ?? ''}`;
    const nth = (counts.get(call) ?? 0) + 1;
    counts.set(call, nth);
    seen.push(call);
    const fault = faultFor(call, nth);
    if (fault !== undefined) injected.push(`${fault} ${call}`);
    if (fault === 'unavailable' || fault === 'timeout') {
      req.resume();
      res.writeHead(fault === 'timeout' ? 504 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: fault === 'timeout' ? 'TIMEOUT' : 'TEMPORAL_UNAVAILABLE', message: 'injected by the test proxy' }));
      return;
    }
    forward(req, res, fault === 'lose-answer');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    injected,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
