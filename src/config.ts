import { z } from 'zod';

const REGIONS = ['us-west-2', 'us-east-1', 'eu-central-1', 'ap-northeast-1'] as const;

const port = z.coerce.number().int().min(0).max(65535);

const EnvSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('breakout-recorder'),
  RECALL_API_KEY: z.string().min(1, 'is required'),
  RECALL_REGION: z.enum(REGIONS).default('us-west-2'),
  RECALL_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  RECALL_WEBHOOK_SECRET: z.string().regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must look like whsec_<base64>'),
  /**
   * Recall's create-bot limit per minute for the workspace; bot creation is paced to it across all
   * workers. Default: the base limit in Recall's API reference (docs.recall.ai/reference/bot_create).
   */
  RECALL_CREATE_RATE_PER_MINUTE: z.coerce.number().positive().default(120),
  WEBHOOK_PORT: port.default(8080),
  WEBHOOK_HOST: z.string().min(1).default('0.0.0.0'),
  ARTIFACTS_DIR: z.string().min(1).default('./data/artifacts'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Where the worker serves the Temporal Runtime's Prometheus metrics. */
  WORKER_METRICS_ADDRESS: z
    .string()
    .regex(/^[^:]+:\d+$/, 'must be host:port')
    .default('0.0.0.0:9464'),
  MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(500),
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).default(30),
  /** Bearer token of the HTTP API (`/meetings`); the API is only served when it is set. */
  API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
});

/** What a Temporal client needs: the CLI and client helpers run without Recall credentials. */
const ClientEnvSchema = EnvSchema.pick({ TEMPORAL_ADDRESS: true, TEMPORAL_NAMESPACE: true, TEMPORAL_TASK_QUEUE: true });

export type Config = z.output<typeof EnvSchema>;
export type ClientConfig = z.output<typeof ClientEnvSchema>;

/** A configuration problem, named by its environment variable. The message never carries a value. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validates the environment once at start; the error names the bad variable and never its value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseEnv(EnvSchema, env);
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
