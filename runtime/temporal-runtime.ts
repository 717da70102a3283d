// Routes the Temporal SDK's own logs into our structured logger, once per process, and serves its
// metrics (Prometheus) on a port when asked (temporal.workerMetricsPort).
import { Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from '../common/logger.js';

let installed = false;

export function installTemporalRuntime(log: Logger, metricsPort?: number): void {
  if (installed) return;
  installed = true;
  const sdkLog = log.child({ source: 'temporal-sdk' });
  const write = (level: LogLevel, message: string, meta?: LogMetadata): void => {
    const fields = meta ?? {};
    // The verification worker runs activities only; the SDK's warning about it is expected.
    if (message.startsWith('No workflows registered')) {
      sdkLog.debug(fields, message);
      return;
    }
    if (level === 'ERROR') sdkLog.error(fields, message);
    else if (level === 'WARN') sdkLog.warn(fields, message);
    else if (level === 'INFO') sdkLog.debug(fields, message);
    else sdkLog.trace(fields, message);
  };
  Runtime.install({
    ...(metricsPort === undefined ? {} : { telemetryOptions: { metrics: { prometheus: { bindAddress: `0.0.0.0:${metricsPort}` } } } }),
    logger: {
      log: write,
      trace: (m, meta) => write('TRACE', m, meta),
      debug: (m, meta) => write('DEBUG', m, meta),
      info: (m, meta) => write('INFO', m, meta),
      warn: (m, meta) => write('WARN', m, meta),
      error: (m, meta) => write('ERROR', m, meta),
    },
  });
}
