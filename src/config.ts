import { z } from 'zod';
import { CodecKeyError, codecKeysFrom } from './codec/keys';
import { isPlaceholder, weakTokenReason, weakWebhookSecretReason } from './secret-strength';

const REGIONS = ['us-west-2', 'us-east-1', 'eu-central-1', 'ap-northeast-1'] as const;

const port = z.coerce.number().int().min(0).max(65535);

/** A secret refused at start when `reason` finds it weak; the message names the variable, never the value. */
const secret = (reason: (value: string) => string | undefined) =>
  z.string().superRefine((value, ctx) => {
    const problem = reason(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Payload encryption keys (src/codec): checked here so that a bad key stops the process at start. */
const codecKeyFields = {
  PAYLOAD_CODEC_KEYS: z.string().min(1).optional(),
  PAYLOAD_CODEC_KEY_FILE: z.string().min(1).optional(),
};

function checkCodecKeys(env: { PAYLOAD_CODEC_KEYS?: string; PAYLOAD_CODEC_KEY_FILE?: string }, ctx: z.RefinementCtx) {
  try {
    codecKeysFrom(env);
  } catch (error) {
    if (!(error instanceof CodecKeyError)) throw error;
    const path = error.message.startsWith('PAYLOAD_CODEC_KEY_FILE') ? 'PAYLOAD_CODEC_KEY_FILE' : 'PAYLOAD_CODEC_KEYS';
    ctx.addIssue({ code: 'custom', path: [path], message: error.message.replace(/^\w+ ?/, '') });
  }
}

/**
 * Ready-callback signing secrets, `name=whsec_…` pairs separated by commas (base64 has no comma);
 * a bare `whsec_…` is named `default`. A meeting's `notify.secretName` picks one, `default` when it
 * names none.
 */
export function parseNotifySecrets(value: string | undefined): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const pair of (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    // A bare `whsec_…` (its base64 may end in `=`) is the default secret.
    const at = pair.startsWith('whsec_') ? -1 : pair.indexOf('=');
    secrets[at > 0 ? pair.slice(0, at) : 'default'] = at > 0 ? pair.slice(at + 1) : pair;
  }
  return secrets;
}

const notifySecrets = z.string().superRefine((value, ctx) => {
  for (const [name, secret] of Object.entries(parseNotifySecrets(value))) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name))
      ctx.addIssue({ code: 'custom', message: 'names are 1-64 letters, digits, "_" or "-"' });
    const problem = weakWebhookSecretReason(secret);
    if (problem) ctx.addIssue({ code: 'custom', message: `secret "${name}" ${problem}` });
  }
});

const EnvSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('breakout-recorder'),
  RECALL_API_KEY: secret((v) =>
    isPlaceholder(v) ? 'is the placeholder from .env.example: set your Recall API key' : undefined,
  ).pipe(z.string().min(1, 'is required')),
  RECALL_REGION: z.enum(REGIONS).default('us-west-2'),
  RECALL_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  RECALL_WEBHOOK_SECRET: secret(weakWebhookSecretReason),
  /**
   * Recall's create-bot limit per minute for the workspace; bot creation is paced to it across all
   * workers. Default: the base limit in Recall's API reference (docs.recall.ai/reference/bot_create).
   */
  RECALL_CREATE_RATE_PER_MINUTE: z.coerce.number().positive().default(120),
  WEBHOOK_PORT: port.default(8080),
  WEBHOOK_HOST: z.string().min(1).default('0.0.0.0'),
  ARTIFACTS_DIR: z.string().min(1).default('./data/artifacts'),
  /**
   * Where artifacts go, when not ARTIFACTS_DIR: `s3://bucket/prefix` (endpoint, region and
   * credentials from the AWS environment and credential chain) or `file:///path`.
   */
  ARTIFACTS_URL: z
    .string()
    .regex(/^(s3|file):\/\//, 'must start with s3:// or file://')
    .optional(),
  /** Path-style S3 requests (MinIO and most S3-compatible stores); default: on when AWS_ENDPOINT_URL(_S3) is set. */
  ARTIFACTS_S3_PATH_STYLE: z.stringbool().optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Where the worker serves the Temporal Runtime's Prometheus metrics. */
  WORKER_METRICS_ADDRESS: z
    .string()
    .regex(/^[^:]+:\d+$/, 'must be host:port')
    .default('0.0.0.0:9464'),
  MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(500),
  /**
   * How long a workflow task waits on the queue of the worker that has the workflow cached before
   * any worker may take it. After a worker dies without shutting down, every workflow it had cached
   * waits this long once (the SDK's default is 10 s). 1 s brings recovery from a SIGKILL under 5 s
   * and cost no history events at 2,000 rooms on a saturated worker (README, "Performance").
   */
  STICKY_QUEUE_TIMEOUT_SECONDS: z.coerce.number().positive().default(1),
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).default(30),
  /** Bearer token of the HTTP API (`/meetings`); the API is only served when it is set. */
  API_TOKEN: secret(weakTokenReason).optional(),
  /** The receiver's /readyz and /metrics: a listener of their own, off the public port. */
  WEBHOOK_OPS_HOST: z.string().min(1).default('127.0.0.1'),
  WEBHOOK_OPS_PORT: port.default(8081),
  /** Signing secrets of ready callbacks (see parseNotifySecrets). */
  NOTIFY_SECRETS: notifySecrets.optional(),
  ...codecKeyFields,
});

/** What a Temporal client needs: the CLI and client helpers run without Recall credentials. */
const ClientEnvSchema = EnvSchema.pick({
  TEMPORAL_ADDRESS: true,
  TEMPORAL_NAMESPACE: true,
  TEMPORAL_TASK_QUEUE: true,
  PAYLOAD_CODEC_KEYS: true,
  PAYLOAD_CODEC_KEY_FILE: true,
}).superRefine(checkCodecKeys);

/** Where the artifact store is: the worker's and the CLI's (`breakout artifact url`) view of it. */
const ArtifactsEnvSchema = EnvSchema.pick({
  ARTIFACTS_DIR: true,
  ARTIFACTS_URL: true,
  ARTIFACTS_S3_PATH_STYLE: true,
});
export type ArtifactsConfig = z.output<typeof ArtifactsEnvSchema>;

export function loadArtifactsConfig(env: NodeJS.ProcessEnv = process.env): ArtifactsConfig {
  return parseEnv(ArtifactsEnvSchema, env);
}

/** The codec server (`breakout codec-server`): keys, a bearer token, and the Web UI origins it answers. */
const CodecServerEnvSchema = z
  .object({
    ...codecKeyFields,
    CODEC_SERVER_HOST: z.string().min(1).default('127.0.0.1'),
    CODEC_SERVER_PORT: port.default(8088),
    CODEC_AUTH_TOKEN: secret(weakTokenReason),
    /** Comma-separated origins of the Temporal Web UI, e.g. http://localhost:8233. */
    CODEC_CORS_ORIGINS: z.string().default(''),
    LOG_LEVEL: EnvSchema.shape.LOG_LEVEL,
  })
  .superRefine(checkCodecKeys);

/** Every variable the worker and receiver read. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

export type Config = z.output<typeof EnvSchema>;
export type ClientConfig = z.output<typeof ClientEnvSchema>;
export type CodecServerConfig = z.output<typeof CodecServerEnvSchema>;

/** A configuration problem, named by its environment variable. The message never carries a value. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validates the environment once at start; the error names the bad variable and never its value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseEnv(EnvSchema.superRefine(checkCodecKeys), env);
}

export function loadCodecServerConfig(env: NodeJS.ProcessEnv = process.env): CodecServerConfig {
  return parseEnv(CodecServerEnvSchema, env);
}

/** The Temporal part of the environment only, validated the same way. */
export function loadClientConfig(env: NodeJS.ProcessEnv = process.env): ClientConfig {
  return parseEnv(ClientEnvSchema, env);
}

function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue?.path[0] ?? 'environment');
  const present = env[name] !== undefined && env[name] !== '';
  throw new ConfigError(`${name} ${present ? 'is invalid' : 'is missing'}: ${issue?.message ?? 'bad value'}`);
}

/** Entry points call this: a bad environment stops the process with one clear line. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`breakout-recorder: configuration error: ${err.message}`);
    process.exit(1);
  }
}
