import { readFile } from 'node:fs/promises';
import type { Connection, ConnectionOptions } from '@temporalio/client';
import type { TemporalConfig } from '../config.js';

/** Connection options for a cluster (TLS, mTLS, API key), shared by the client and the worker. */
export async function clusterConnectionOptions(
  config: Extract<TemporalConfig, { mode: 'cluster' }>,
): Promise<{ address: string; tls: ConnectionOptions['tls']; apiKey?: string }> {
  const read = async (file: string | undefined, name: string) => {
    if (!file) return undefined;
    try {
      return await readFile(file);
    } catch (error) {
      throw new Error(`Cannot read ${name} at ${file}: ${(error as Error).message}.`, { cause: error });
    }
  };
  let tls: ConnectionOptions['tls'] = false;
  if (config.tls) {
    const [ca, crt, key] = await Promise.all([
      read(config.tls.serverRootCaPath, 'TEMPORAL_TLS_CA'),
      read(config.tls.clientCertPath, 'TEMPORAL_TLS_CERT'),
      read(config.tls.clientKeyPath, 'TEMPORAL_TLS_KEY'),
    ]);
    tls = {
      ...(ca ? { serverRootCACertificate: ca } : {}),
      ...(crt && key ? { clientCertPair: { crt, key } } : {}),
      ...(config.tls.serverName ? { serverNameOverride: config.tls.serverName } : {}),
    };
  }
  return { address: config.address, tls, ...(config.apiKey ? { apiKey: config.apiKey } : {}) };
}

/**
 * Asks the frontend for its system info within `timeoutMs`. The deadline also ends the client's own retries, so no
 * retry is left pending on a connection that is closed after a failed check.
 */
export async function pingTemporal(connection: Connection, timeoutMs: number): Promise<void> {
  await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));
}
