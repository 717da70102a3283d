// The HTTP server around the Koa app, with a graceful close: stop accepting, let in-flight requests
// finish, then drop idle keep-alive connections. A request whose client went away still counts until
// its handler is done: its Temporal calls must not outlive the close (the Temporal connection is
// closed next, and a call still retrying then throws from a timer).
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type Koa from 'koa';
import { CeremonyError, type ErrorCode } from '../common/errors.js';

export interface RunningServer {
  url: string;
  port: number;
  close(timeoutMs: number): Promise<void>;
}

/** The answer to a request Node's HTTP parser refused before Koa saw it: JSON {code, message} like every other. */
function clientErrorAnswer(err: NodeJS.ErrnoException): string {
  const [code, message]: [ErrorCode, string] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? ['HEADERS_TOO_LARGE', 'the request headers are too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ['REQUEST_TIMEOUT', 'the request did not arrive in time']
        : ['BAD_REQUEST', 'malformed HTTP request'];
  const error = new CeremonyError(code, message);
  const body = JSON.stringify(error.toBody());
  return [
    `HTTP/1.1 ${error.status} ${http.STATUS_CODES[error.status] ?? ''}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * Answers, then destroys the connection, as Node's own handler does: a half-open connection would go
 * on reading the body of a request that already had its answer (a slow body past requestTimeoutMs).
 * Nothing is written where a response has already begun on the connection.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  // Node keeps the response in progress on the socket (a private field; it checks the same one).
  const inProgress = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inProgress?.headersSent === true) {
    socket.destroy();
    return;
  }
  socket.end(clientErrorAnswer(err), () => socket.destroy());
}

/** How often Node looks for requests past their deadline (its default, 30 s, would make a 60 s bound up to 90 s). */
function checkingIntervalFor(requestTimeoutMs: number): number {
  return Math.min(30_000, Math.max(1_000, Math.floor(requestTimeoutMs / 10)));
}

/**
 * Serves the app. `maxConnections` (api.maxConnections) bounds the open client connections: one beyond
 * it is closed at once. A request must arrive whole within `requestTimeoutMs` (checked every tenth of
 * it, at least every second), its headers within a minute (at most), and an idle keep-alive
 * connection is closed after 5 s.
 */
export async function listen(app: Koa, host: string, port: number, requestTimeoutMs: number, maxConnections = Number.POSITIVE_INFINITY): Promise<RunningServer> {
  const handle = app.callback();
  let inFlight = 0;
  const whenIdle: Array<() => void> = [];
  const server = http.createServer({ connectionsCheckingInterval: checkingIntervalFor(requestTimeoutMs) }, (req, res) => {
    inFlight += 1;
    void handle(req, res).finally(() => {
      inFlight -= 1;
      if (inFlight === 0) for (const resolve of whenIdle.splice(0)) resolve();
    });
  });
  server.on('clientError', answerClientError);
  server.maxConnections = maxConnections;
  server.requestTimeout = requestTimeoutMs;
  server.headersTimeout = Math.min(requestTimeoutMs, 60_000);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${actualPort}`,
    port: actualPort,
    close(timeoutMs: number): Promise<void> {
      const closed = new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      const handled = inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => whenIdle.push(resolve));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, timeoutMs);
      });
      return Promise.race([Promise.all([closed, handled]).then(() => undefined), timedOut]).finally(() => clearTimeout(timer));
    },
  };
}
