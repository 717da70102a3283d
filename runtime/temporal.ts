// Connections to the Temporal server: a client for the API, a native connection for workers.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { CeremonyError } from '../common/errors.js';

export async function connectClient(address: string, namespace: string): Promise<Client> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 5_000 });
    return new Client({ connection, namespace });
  } catch (err) {
    throw new CeremonyError('TEMPORAL_UNAVAILABLE', `cannot connect to Temporal at ${address}: ${(err as Error).message}`, undefined, { cause: err });
  }
}

export async function connectWorker(address: string): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address });
  } catch (err) {
    throw new CeremonyError('TEMPORAL_UNAVAILABLE', `cannot connect to Temporal at ${address}: ${(err as Error).message}`, undefined, { cause: err });
  }
}

/** Resolves when Temporal answers within timeoutMs; throws TEMPORAL_UNAVAILABLE otherwise. */
export async function pingTemporal(client: Client, timeoutMs: number): Promise<void> {
  try {
    await client.connection.withDeadline(Date.now() + timeoutMs, () => client.connection.workflowService.getSystemInfo({}));
  } catch (err) {
    throw new CeremonyError('TEMPORAL_UNAVAILABLE', `Temporal is not reachable: ${(err as Error).message}`, undefined, { cause: err });
  }
}
