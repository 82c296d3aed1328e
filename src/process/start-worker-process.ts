import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { Probot } from "probot";
import { githubBaseUrl, type AppEnv } from "../config/env.js";
import type { GithubClient } from "../github/github-client.js";
import { createChunkReviewer } from "../llm/chunk-reviewer.js";
import { createResponsesClient } from "../llm/responses-client.js";
import { startReviewWorker } from "../worker/start-review-worker.js";
import { reviewSettingsFromEnv } from "./review-settings-from-env.js";

export interface WorkerProcessOptions {
  env: AppEnv;
  appId: string;
  privateKey: string;
  connection: Redis;
  redisUrl: string;
  log: Logger;
}

/** A BullMQ worker with installation-scoped GitHub clients (Probot's Octokit: retry and throttling plugins). */
export function startWorkerProcess(options: WorkerProcessOptions): ReturnType<typeof startReviewWorker> {
  const { env } = options;
  if (!env.AIMLAPI_KEY) throw new Error("AIMLAPI_KEY is not set: the worker cannot call the model. Get a key at aimlapi.com and set AIMLAPI_KEY.");
  const probot = new Probot({
    appId: options.appId,
    privateKey: options.privateKey,
    baseUrl: githubBaseUrl(env),
    // Shares GitHub's rate-limit bookkeeping between worker processes on the same Redis.
    redisConfig: options.redisUrl,
    log: options.log,
  });
  const client = createResponsesClient({
    baseUrl: env.AIMLAPI_BASE_URL,
    apiKey: env.AIMLAPI_KEY,
    model: env.CODEX_MODEL,
    timeoutMs: env.MODEL_TIMEOUT_MS,
  });
  return startReviewWorker({
    queueName: env.QUEUE_NAME,
    connection: options.connection,
    concurrency: env.WORKER_CONCURRENCY,
    githubForInstallation: async (installationId) => (await probot.auth(installationId)) as unknown as GithubClient,
    reviewer: createChunkReviewer({
      client,
      maxOutputTokens: env.MODEL_MAX_OUTPUT_TOKENS,
      reasoningEffort: env.MODEL_REASONING_EFFORT,
      retry: { maxAttempts: env.MODEL_MAX_ATTEMPTS },
      log: options.log,
    }),
    settings: reviewSettingsFromEnv(env),
    log: options.log,
  });
}
