/**
 * pino `redact` paths for Recall secrets: the API key, the webhook secret, Authorization headers
 * and Zoom tokens (and the URLs that hand them out). Shared so that every logger in the project
 * censors the same fields. Wildcards match one level deep, hence the `*.` twins.
 */
const SECRET_FIELDS = [
  'apiKey',
  'api_key',
  'webhookSecret',
  'webhook_secret',
  'secret',
  'zak',
  'zakUrl',
  'zak_url',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'joinToken',
  'join_token',
  'joinTokenUrl',
  'join_token_url',
  'obfToken',
  'obf_token',
  'obfTokenUrl',
  'obf_token_url',
] as const;

const HEADER_FIELDS = ['headers.authorization', 'headers.Authorization'] as const;

export const recallLogRedactPaths: readonly string[] = [
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`]),
  ...HEADER_FIELDS.flatMap((field) => [field, `*.${field}`]),
];
