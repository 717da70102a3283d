// A real MinIO server on loopback for a test file, with throwaway credentials and data directory.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startChild, waitFor } from '../../common/child-process.js';
import { requireTool } from '../../common/tools.js';
import { freePort } from './ports.js';

export interface RunningMinio {
  endPoint: string;
  port: number;
  accessKey: string;
  secretKey: string;
  stop(): Promise<void>;
}

export async function startMinio(): Promise<RunningMinio> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'minio-'));
  const port = await freePort();
  const consolePort = await freePort();
  const accessKey = `test${randomBytes(6).toString('hex')}`;
  const secretKey = randomBytes(18).toString('hex');
  const child = startChild(requireTool('minio'), ['server', dir, '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`, '--quiet'], {
    env: { ...process.env, MINIO_ROOT_USER: accessKey, MINIO_ROOT_PASSWORD: secretKey, MINIO_BROWSER: 'off', MINIO_UPDATE: 'off' },
  });
  await waitFor(
    'MinIO',
    async () => {
      const res = await fetch(`http://127.0.0.1:${port}/minio/health/ready`);
      if (!res.ok) throw new Error(`status ${res.status}`);
    },
    30_000,
    200,
  );
  return {
    endPoint: '127.0.0.1',
    port,
    accessKey,
    secretKey,
    async stop() {
      await child.stop(5_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
