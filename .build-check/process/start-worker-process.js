import { Probot } from "probot";
import { githubBaseUrl } from "../config/env.js";
import { createChunkReviewer } from "../llm/chunk-reviewer.js";
import { createResponsesClient } from "../llm/responses-client.js";
import { createThreadResponder } from "../llm/thread-responder.js";
import { createRedisPauseStore } from "../queue/pause-store.js";
import { startReviewWorker } from "../worker/start-review-worker.js";
import { InstallationOctokit } from "./installation-octokit.js";
import { reviewSettingsFromEnv } from "./review-settings-from-env.js";
import { getAppMetrics } from "../metrics/app-metrics.js";
import { instrumentGithubClient } from "../metrics/instrument-github-client.js";
import { instrumentResponsesClient } from "../metrics/instrument-responses-client.js";
import { observeWorker } from "../metrics/observe-worker.js";
/** A BullMQ worker with installation-scoped GitHub clients (Probot's Octokit: retry and throttling plugins). */
export function startWorkerProcess(options) {
    const { env } = options;
    if (!env.AIMLAPI_KEY)
        throw new Error("AIMLAPI_KEY is not set: the worker cannot call the model. Get a key at aimlapi.com and set AIMLAPI_KEY.");
    const probot = new Probot({
        appId: options.appId,
        privateKey: options.privateKey,
        baseUrl: githubBaseUrl(env),
        // Shares GitHub's rate-limit bookkeeping between worker processes on the same Redis.
        redisConfig: options.redisUrl,
        log: options.log,
        // Retries secondary rate limits, which Probot's own Octokit options give up on.
        Octokit: InstallationOctokit,
    });
    const metrics = getAppMetrics();
    const client = instrumentResponsesClient(createResponsesClient({
        baseUrl: env.AIMLAPI_BASE_URL,
        apiKey: env.AIMLAPI_KEY,
        model: env.CODEX_MODEL,
        timeoutMs: env.MODEL_TIMEOUT_MS,
    }), metrics);
    const modelOptions = {
        maxOutputTokens: env.MODEL_MAX_OUTPUT_TOKENS,
        reasoningEffort: env.MODEL_REASONING_EFFORT,
        retry: { maxAttempts: env.MODEL_MAX_ATTEMPTS, budgetMs: env.MODEL_RETRY_BUDGET_MS },
        log: options.log,
    };
    const worker = startReviewWorker({
        queueName: env.QUEUE_NAME,
        connection: options.connection,
        concurrency: env.WORKER_CONCURRENCY,
        lockDurationMs: env.WORKER_LOCK_DURATION_MS,
        stalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS,
        githubForInstallation: async (installationId) => instrumentGithubClient(await probot.auth(installationId), metrics),
        services: {
            reviewer: createChunkReviewer({ client, ...modelOptions }),
            responder: createThreadResponder({ client, ...modelOptions }),
            settings: reviewSettingsFromEnv(env),
            pauses: createRedisPauseStore(options.connection, env.QUEUE_NAME),
            appSlug: env.APP_SLUG,
        },
        log: options.log,
    });
    // Outcomes, durations and comment counts come from the worker's events, not from inside the pipeline.
    observeWorker(worker, metrics);
    return worker;
}
