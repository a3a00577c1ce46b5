import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { temporalSecurity, TemporalSecurityError } from '../../src/client/temporal-security';

test('Temporal env-config: API key (TLS on), mTLS from files or data, and what is refused', async () => {
  assert.deepEqual(temporalSecurity({}), {});
  assert.deepEqual(temporalSecurity({ TEMPORAL_API_KEY: 'k' }), { tls: true, apiKey: 'k' });
  assert.deepEqual(temporalSecurity({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' }), { apiKey: 'k' });
  assert.deepEqual(temporalSecurity({ TEMPORAL_TLS: 'true' }), { tls: true });
  const dir = await mkdtemp(join(tmpdir(), 'tls-'));
  try {
    await writeFile(join(dir, 'client.pem'), 'CERT');
    await writeFile(join(dir, 'client.key'), 'KEY');
    const mtls = temporalSecurity({
      TEMPORAL_TLS_CLIENT_CERT_PATH: join(dir, 'client.pem'),
      TEMPORAL_TLS_CLIENT_KEY_PATH: join(dir, 'client.key'),
      TEMPORAL_TLS_SERVER_CA_CERT_DATA: 'CA',
      TEMPORAL_TLS_SERVER_NAME: 'ns.tmprl.cloud',
    });
    assert.deepEqual(mtls, {
      tls: {
        clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
        serverRootCACertificate: Buffer.from('CA'),
        serverNameOverride: 'ns.tmprl.cloud',
      },
    });
    const secretPath = join(dir, 'missing-secret.pem');
    const refused = [
      { TEMPORAL_TLS_CLIENT_CERT_PATH: join(dir, 'client.pem') },
      { TEMPORAL_TLS_CLIENT_CERT_PATH: secretPath, TEMPORAL_TLS_CLIENT_KEY_DATA: 'KEY' },
      { TEMPORAL_TLS_CLIENT_CERT_DATA: 'a', TEMPORAL_TLS_CLIENT_CERT_PATH: join(dir, 'client.pem') },
      { TEMPORAL_TLS: 'yes' },
      { TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: 'true' },
    ];
    for (const env of refused) {
      assert.throws(
        () => temporalSecurity(env),
        (e: unknown) => e instanceof TemporalSecurityError && !e.message.includes(secretPath),
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
