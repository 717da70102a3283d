// The HTTP server around the Koa app, with a graceful close: stop accepting, let in-flight requests
// finish, then drop idle keep-alive connections.
import http from 'node:http';
import type Koa from 'koa';

export interface RunningServer {
  url: string;
  port: number;
  close(timeoutMs: number): Promise<void>;
}

export async function listen(app: Koa, host: string, port: number, requestTimeoutMs: number): Promise<RunningServer> {
  const server = http.createServer(app.callback());
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
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, timeoutMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}
