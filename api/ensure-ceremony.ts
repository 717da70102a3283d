// Starts the configured ceremony's workflow unless it already runs (idempotent; any replica may call it).
import type { Client } from '@temporalio/client';
import type { Config } from '../common/config.js';
import { RoundsGateway } from './rounds/gateway.js';
import { SequentialGateway } from './sequential/gateway.js';

export async function ensureCeremony(client: Client, cfg: Config): Promise<void> {
  if (cfg.ceremony.mode === 'sequential') await new SequentialGateway(client, cfg).ensureCeremony();
  else await new RoundsGateway(client, cfg).ensureCeremony();
}
