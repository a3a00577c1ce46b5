import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';

/** What a connection to a Temporal cluster needs beyond its address: TLS (mTLS) and an API key. */
export interface TemporalSecurity {
  tls?: TLSConfig | boolean;
  apiKey?: string;
}

export class TemporalSecurityError extends Error {
  override name = 'TemporalSecurityError';
}

const flag = (env: NodeJS.ProcessEnv, name: string): boolean | undefined => {
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new TemporalSecurityError(`${name} must be true or false`);
};

/** A PEM given as `<name>_DATA` or read from `<name>_PATH` (only one of them). */
function pem(env: NodeJS.ProcessEnv, name: string): Buffer | undefined {
  const data = env[`${name}_DATA`];
  const path = env[`${name}_PATH`];
  if (data && path) throw new TemporalSecurityError(`set ${name}_DATA or ${name}_PATH, not both`);
  if (data) return Buffer.from(data);
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch {
    throw new TemporalSecurityError(`${name}_PATH cannot be read`);
  }
}

/**
 * TLS and API key from Temporal's environment configuration variables (the names every Temporal
 * SDK and the CLI read): `TEMPORAL_API_KEY`; `TEMPORAL_TLS`; `TEMPORAL_TLS_CLIENT_CERT_PATH|_DATA`
 * and `TEMPORAL_TLS_CLIENT_KEY_PATH|_DATA` for mTLS; `TEMPORAL_TLS_SERVER_CA_CERT_PATH|_DATA`;
 * `TEMPORAL_TLS_SERVER_NAME`. As in the SDKs, an API key or a client certificate turns TLS on unless
 * `TEMPORAL_TLS=false`. Errors name the variable, never a value.
 */
export function temporalSecurity(env: NodeJS.ProcessEnv = process.env): TemporalSecurity {
  const apiKey = env.TEMPORAL_API_KEY || undefined;
  const crt = pem(env, 'TEMPORAL_TLS_CLIENT_CERT');
  const key = pem(env, 'TEMPORAL_TLS_CLIENT_KEY');
  if (Boolean(crt) !== Boolean(key)) {
    throw new TemporalSecurityError('TEMPORAL_TLS_CLIENT_CERT and TEMPORAL_TLS_CLIENT_KEY go together');
  }
  const ca = pem(env, 'TEMPORAL_TLS_SERVER_CA_CERT');
  const serverName = env.TEMPORAL_TLS_SERVER_NAME || undefined;
  if (flag(env, 'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION')) {
    throw new TemporalSecurityError('TEMPORAL_TLS_DISABLE_HOST_VERIFICATION is not supported by the TypeScript SDK');
  }
  const configured = Boolean(crt || ca || serverName);
  const enabled = flag(env, 'TEMPORAL_TLS') ?? (configured || Boolean(apiKey));
  const tls: TLSConfig = {
    ...(crt && key ? { clientCertPair: { crt, key } } : {}),
    ...(ca ? { serverRootCACertificate: ca } : {}),
    ...(serverName ? { serverNameOverride: serverName } : {}),
  };
  return {
    ...(enabled ? { tls: configured ? tls : true } : {}),
    ...(apiKey ? { apiKey } : {}),
  };
}
