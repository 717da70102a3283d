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

/** JSON logs on stdout, or appended to `file` (created with its folder) when one is given. */
export function createLogger(level: LevelWithSilent, name = 'ceremony', file?: string): Logger {
  const options = {
    name,
    level,
    base: { pid: process.pid, name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths, censor: '[redacted]' },
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return file === undefined ? pino(options) : pino(options, pino.destination({ dest: file, mkdir: true, append: true, sync: false }));
}
