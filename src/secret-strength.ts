/**
 * Checks that refuse, at start, secrets that only look set: the placeholders of `.env.example`,
 * `whsec_` values that do not decode, short keys, and tokens with too little entropy.
 */

/** Every placeholder in `.env.example` says so; a value containing it was never filled in. */
const PLACEHOLDER = /replace-with|change-?me|placeholder/i;

export const MIN_SECRET_BYTES = 24;
/** Estimated bits a bearer token must carry; 32 random hex characters carry about 120. */
export const MIN_TOKEN_BITS = 96;

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value);
}

/** The key bytes of a `whsec_<base64>` secret, or undefined when it does not decode strictly. */
export function webhookSecretKey(value: string): Buffer | undefined {
  const encoded = value.startsWith('whsec_') ? value.slice('whsec_'.length) : '';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return undefined;
  return Buffer.from(encoded, 'base64');
}

/**
 * Shannon entropy of the token's own characters, times its length: a lower bound for random
 * tokens of any alphabet, and low for words, repeats and short values.
 */
export function estimatedTokenBits(token: string): number {
  const counts = new Map<string, number>();
  for (const char of token) counts.set(char, (counts.get(char) ?? 0) + 1);
  const length = [...token].length;
  let perChar = 0;
  for (const count of counts.values()) {
    const p = count / length;
    perChar -= p * Math.log2(p);
  }
  return perChar * length;
}

/** Why a bearer token is refused, or undefined when it is strong enough. */
export function weakTokenReason(token: string): string | undefined {
  if (isPlaceholder(token)) return 'is the placeholder from .env.example: generate one (openssl rand -hex 32)';
  if (estimatedTokenBits(token) < MIN_TOKEN_BITS) {
    return `has too little entropy (under ${MIN_TOKEN_BITS} bits): generate one (openssl rand -hex 32)`;
  }
  return undefined;
}

/** Why a `whsec_` webhook secret is refused, or undefined when it is usable. */
export function weakWebhookSecretReason(value: string): string | undefined {
  const key = webhookSecretKey(value);
  if (!key) return 'must be whsec_<base64>, as Recall shows it';
  if (isPlaceholder(value) || isPlaceholder(key.toString('latin1'))) {
    return 'is the placeholder from .env.example: copy the secret of your Recall webhook endpoint';
  }
  if (key.length < MIN_SECRET_BYTES) return `decodes to ${key.length} bytes; at least ${MIN_SECRET_BYTES} are needed`;
  return undefined;
}
