// A loopback HTTP load balancer in front of several API replicas, as an ingress would be: each
// request goes to the next replica in turn, and to the one after when a replica refuses the
// connection (it is down); a replica that dies while it holds a request loses that answer (the
// client's connection is dropped), exactly as it would behind a real balancer.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Balancer {
  url: string;
  /** Requests whose answer was lost because their replica went away under them. */
  readonly lostAnswers: () => number;
  close(): Promise<void>;
}

/** The largest request body the balancer holds (a contribution at the spec sizes is about 5 MB). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function startBalancer(upstreamPorts: readonly number[]): Promise<Balancer> {
  let next = 0;
  let lost = 0;
  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, tried: number): void => {
    if (tried >= upstreamPorts.length) {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(JSON.stringify({ code: 'SERVICE_UNAVAILABLE', message: 'no API replica is up (the test balancer)' }));
      return;
    }
    const port = upstreamPorts[next % upstreamPorts.length] as number;
    next += 1;
    let answered = false;
    const out = request({ hostname: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      answered = true;
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.on('aborted', () => {
        lost += 1;
        req.socket.destroy();
      });
    });
    out.on('error', (err: NodeJS.ErrnoException) => {
      // Refused: nothing reached that replica, so the next one may take the request.
      if (!answered && err.code === 'ECONNREFUSED') return forward(req, res, body, tried + 1);
      lost += 1;
      req.socket.destroy();
    });
    out.end(body);
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.socket.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => forward(req, res, Buffer.concat(chunks), 0));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    lostAnswers: () => lost,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
