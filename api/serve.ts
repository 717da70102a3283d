// One API replica serving: the app on its address, and its beat to the coordinator's pulse for as
// long as it serves (a replica that cannot take calls must not say that participants can be heard).
import { createApp, type ApiDeps } from './app.js';
import { startPulseBeats } from './coordinator-pulse.js';
import { listen, type RunningServer } from './server.js';

export async function serveApi(deps: ApiDeps, host: string, port: number): Promise<RunningServer> {
  const { cfg } = deps;
  const server = await listen(createApp(deps), host, port, cfg.api.requestTimeoutMs, cfg.api.maxConnections);
  const beats = startPulseBeats(deps.temporal, cfg, deps.log);
  return {
    ...server,
    close(timeoutMs: number): Promise<void> {
      beats.stop();
      return server.close(timeoutMs);
    },
  };
}
