// Structured JSON logs (pino). Secrets are redacted by path wherever they might appear.
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'token',
  'secret',
  'secrets',
  'password',
  'privateKey',
  '*.secretKey',
  '*.accessKey',
  '*.privateKey',
  '*.clientSecret',
  '*.signingKey',
  '*.receiptKey',
];

export function createLogger(level: LevelWithSilent, name = 'ceremony'): Logger {
  return pino({
    name,
    level,
    base: { pid: process.pid, name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  });
}
