import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config.js';
import { clusterConnectionOptions } from '../../infra/temporal/connection.js';

describe('the connection to a Temporal cluster, from the environment', () => {
  let dir: string;
  const file = (name: string) => path.join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'concerto-tls-'));
    await writeFile(file('ca.pem'), 'CA');
    await writeFile(file('client.pem'), 'CERT');
    await writeFile(file('client.key'), 'KEY');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  function clusterOf(env: NodeJS.ProcessEnv) {
    const { temporal } = loadConfig({ TEMPORAL_ADDRESS: 'ctg.a1b2c.tmprl.cloud:7233', ...env });
    if (temporal.mode !== 'cluster') throw new Error('expected cluster mode');
    return temporal;
  }

  it('reads the client certificate and key (mTLS), the CA and the server name, in the namespace given', async () => {
    const config = clusterOf({
      TEMPORAL_NAMESPACE: 'ctg.a1b2c',
      TEMPORAL_TLS_CA: file('ca.pem'),
      TEMPORAL_TLS_CERT: file('client.pem'),
      TEMPORAL_TLS_KEY: file('client.key'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    expect(config.namespace).toBe('ctg.a1b2c');
    expect(await clusterConnectionOptions(config)).toEqual({
      address: 'ctg.a1b2c.tmprl.cloud:7233',
      tls: {
        serverRootCACertificate: Buffer.from('CA'),
        clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
        serverNameOverride: 'temporal.internal',
      },
    });
  });

  it('uses TLS with the system CAs for an API key, and none for a plain cluster', async () => {
    expect(await clusterConnectionOptions(clusterOf({ TEMPORAL_API_KEY: 'key' }))).toEqual({
      address: 'ctg.a1b2c.tmprl.cloud:7233',
      tls: {},
      apiKey: 'key',
    });
    expect((await clusterConnectionOptions(clusterOf({}))).tls).toBe(false);
  });

  it('names the variable whose file cannot be read', async () => {
    const config = clusterOf({ TEMPORAL_TLS_CERT: file('missing.pem'), TEMPORAL_TLS_KEY: file('client.key') });
    await expect(clusterConnectionOptions(config)).rejects.toThrow(/TEMPORAL_TLS_CERT at .*missing\.pem/);
  });
});
