import { getPrivateKey } from "@probot/get-private-key";
import { z } from "zod";

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value && value.trim() !== "" ? value.trim() : undefined));

/** Every environment variable the app reads, with its default. The README documents each one. */
export const AppEnv = z.object({
  APP_ID: optionalText,
  WEBHOOK_SECRET: optionalText,
  /** The App's slug (`@<slug>` commands, `<slug>[bot]` reviews); unset = read from GitHub (`GET /app`) at start. */
  APP_SLUG: optionalText,
  WEBHOOK_PATH: z.string().default("/api/github/webhooks"),
  /**
   * A smee.io channel (Probot's webhook proxy) the web server reads deliveries from and replays to itself,
   * for an App with no public URL (a laptop). Unset: no proxy; deliveries come straight to WEBHOOK_PATH.
   */
  WEBHOOK_PROXY_URL: z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    z.url({ protocol: /^https?$/ }).optional(),
  ),
  /** Larger deliveries are refused with 413 before parsing. 5 MiB: ~10x the largest event we act on. */
  WEBHOOK_MAX_BODY_BYTES: positiveInt(5 * 1024 * 1024),
  /** How long a delivery id is remembered, so a replay of it is ignored. */
  WEBHOOK_REPLAY_WINDOW_SECONDS: positiveInt(24 * 3600),
  PORT: positiveInt(3000),
  HOST: optionalText,
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal"]).default("info"),
  GHE_HOST: optionalText,
  GHE_PROTOCOL: z.enum(["http", "https"]).default("https"),
  REDIS_URL: optionalText,
  REDIS_DATA_DIR: z.string().default(".data/redis"),
  QUEUE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, "letters, digits, '-' and '_' only")
    .default("codex-review"),
  WORKER_CONCURRENCY: positiveInt(4),
  /** A job whose worker died is taken over this long after its last lock renewal (BullMQ lockDuration). */
  WORKER_LOCK_DURATION_MS: positiveInt(30_000),
  /** How often workers look for such stalled jobs (BullMQ stalledInterval). */
  WORKER_STALLED_INTERVAL_MS: positiveInt(30_000),
  /** On SIGTERM, running reviews get this long to finish before they are handed back to the queue. */
  WORKER_SHUTDOWN_GRACE_MS: positiveInt(20_000),
  AIMLAPI_KEY: optionalText,
  AIMLAPI_BASE_URL: z.url().default("https://api.aimlapi.com/v1"),
  CODEX_MODEL: z.string().min(1).default("openai/gpt-5-1-codex"),
  MODEL_TIMEOUT_MS: positiveInt(300_000),
  MODEL_MAX_OUTPUT_TOKENS: z.coerce.number().int().min(16).default(16_000),
  /**
   * A call cut off at `max_output_tokens` is sent once more with the cap doubled, never past this.
   * Unset: twice MODEL_MAX_OUTPUT_TOKENS. Equal to it: no raise. Repositories cannot change it.
   */
  MODEL_OUTPUT_TOKENS_CEILING: z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    z.coerce.number().int().min(16).optional(),
  ),
  MODEL_REASONING_EFFORT: z.enum(["low", "medium", "high"]).default("medium"),
  MODEL_MAX_ATTEMPTS: positiveInt(4),
  /** Wall time one chunk may spend on all its model attempts and backoff waits together. */
  MODEL_RETRY_BUDGET_MS: positiveInt(600_000),
  REVIEW_CHUNK_TOKENS: positiveInt(12_000),
  REVIEW_CHUNK_CONCURRENCY: positiveInt(4),
  REVIEW_MAX_FILES: positiveInt(300),
  REVIEW_MAX_CHUNKS: positiveInt(20),
  REVIEW_MAX_INPUT_TOKENS: positiveInt(400_000),
  REVIEW_EXCLUDE: optionalText,
  /**
   * Jobs that call the model, per repository per hour (token bucket refill, charged by the worker right
   * before the first model call); automatic reviews and requests have a bucket each. 0 = no limit.
   */
  REVIEW_RATE_LIMIT_PER_REPO: z.coerce.number().int().min(0).default(60),
  /** Size of each bucket: how many such jobs run at once after a quiet spell (a wave of pushes). */
  REVIEW_BURST_PER_REPO: positiveInt(120),
  /** Check the app's open review threads against each new head and resolve the fixed ones (one model call per review). */
  REVIEW_RESOLVE_FIXED: z.enum(["true", "false"]).default("true").transform((value) => value === "true"),
  /** What a review reads beyond the diff: `diff`, `scope` (enclosing scope of each hunk) or `agentic` (scope plus repository tools). */
  REVIEW_CONTEXT_MODE: z.enum(["diff", "scope", "agentic"]).default("agentic"),
  /** Lines at most a hunk is widened by to reach its enclosing function, method or class. */
  REVIEW_CONTEXT_LINES: z.coerce.number().int().min(0).default(80),
  /** Model calls with tools per chunk in `agentic` mode; the last one must answer. */
  REVIEW_TOOL_ROUNDS: positiveInt(8),
  /** Tokens of tool output at most per chunk; counted against REVIEW_MAX_INPUT_TOKENS too. */
  REVIEW_TOOL_OUTPUT_TOKENS: positiveInt(24_000),
  /** Where repository snapshots (the tarball at a reviewed head) are kept, shared by a host's workers. */
  REPO_CACHE_DIR: z.string().min(1).default(".data/repos"),
  /** Disk the snapshot cache may use; least recently used snapshots go first. */
  REPO_CACHE_MAX_BYTES: positiveInt(2 * 1024 ** 3),
  /** A repository whose archive is larger is read file by file through the contents API (no search). */
  REPO_SNAPSHOT_MAX_BYTES: positiveInt(250 * 1024 ** 2),
  /** Personal token of the local CLI (`codex-review review owner/repo#1`); the App never reads it. */
  GITHUB_TOKEN: optionalText,
  /** Port of a worker-only process's /metrics; unset = no metrics server there (the web server always has /metrics). */
  METRICS_PORT: z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    z.coerce.number().int().min(1).max(65_535).optional(),
  ),
  /** Basic-auth user and password of the queue dashboard at /admin/queues; unset = dashboard off (404). */
  DASHBOARD_USER: optionalText,
  DASHBOARD_PASSWORD: optionalText,
});
export type AppEnv = z.infer<typeof AppEnv>;

/** Parses the environment, failing fast with every bad variable named. */
export function readAppEnv(env: NodeJS.ProcessEnv = process.env): AppEnv {
  const parsed = AppEnv.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment: ${problems.join("; ")}`);
  }
  return parsed.data;
}

/** GitHub's REST base URL, the way Probot derives it from GHE_HOST/GHE_PROTOCOL. */
export function githubBaseUrl(env: Pick<AppEnv, "GHE_HOST" | "GHE_PROTOCOL">): string {
  return env.GHE_HOST ? `${env.GHE_PROTOCOL}://${env.GHE_HOST}/api/v3` : "https://api.github.com";
}

/**
 * The web host of the GitHub behind a REST base URL, for links people open: `https://api.github.com` ->
 * `https://github.com`, GHES `https://ghe.example.com/api/v3` -> `https://ghe.example.com`.
 */
export function githubWebUrl(apiBaseUrl: string): string {
  const base = apiBaseUrl.replace(/\/+$/, "");
  if (/^https?:\/\/api\.github\.com$/i.test(base)) return "https://github.com";
  return base.replace(/\/api\/v3$/i, "");
}

/** The App's private key from PRIVATE_KEY or PRIVATE_KEY_PATH (Probot's own rules), or undefined. */
export function readPrivateKey(env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    return getPrivateKey({ env }) ?? undefined;
  } catch (error) {
    throw new Error(`Cannot read the GitHub App private key: ${(error as Error).message}`);
  }
}
