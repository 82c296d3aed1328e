import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { Probot } from "probot";
import { githubBaseUrl, githubWebUrl, type AppEnv } from "../config/env.js";
import type { GithubClient } from "../github/github-client.js";
import { createRedisPauseStore } from "../queue/pause-store.js";
import { startReviewWorker } from "../worker/start-review-worker.js";
import { startCheckRunWorker } from "../worker/start-check-run-worker.js";
import { createCheckRunCompletionQueue } from "../queue/check-run-completions.js";
import type { Worker } from "bullmq";
import { InstallationOctokit } from "./installation-octokit.js";
import { createModelFromEnv } from "./create-reviewer-from-env.js";
import { createHeldCheckRuns } from "../queue/held-check-runs.js";
import { createRepoReviewBudget } from "../queue/repo-review-budget.js";
import { createFindingStateLedger } from "../queue/finding-state-ledger.js";
import { createSummaryCommentClaims } from "../queue/summary-comment-claims.js";
import { createLatestPushes } from "../queue/latest-pushed-head.js";
import { createNewestHeadRequeue } from "../queue/requeue-newest-head.js";
import { createReviewQueue } from "../queue/review-queue.js";
import { preloadTokenizer } from "../llm/count-tokens.js";
import { reviewSettingsFromEnv } from "./review-settings-from-env.js";
import { getAppMetrics } from "../metrics/app-metrics.js";
import { instrumentGithubClient } from "../metrics/instrument-github-client.js";
import { instrumentResponsesClient } from "../metrics/instrument-responses-client.js";
import { observeWorker } from "../metrics/observe-worker.js";
import { snapshotCacheFromEnv } from "./snapshot-cache-from-env.js";

export interface WorkerProcessOptions {
  env: AppEnv;
  appId: string;
  privateKey: string;
  /** The App's slug (see resolveAppSlug): its bot's reviews are the app's own. */
  appSlug: string;
  connection: Redis;
  redisUrl: string;
  log: Logger;
}

/** The worker process's BullMQ workers, closed as one (see closeWorker). */
export type WorkerProcess = Pick<Worker, "close" | "cancelAllJobs">;

/**
 * A BullMQ review worker with installation-scoped GitHub clients (Probot's Octokit: retry and throttling
 * plugins), and beside it the worker of the check-run completions the reviews leave behind.
 */
export function startWorkerProcess(options: WorkerProcessOptions): WorkerProcess {
  const { env } = options;
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
  const { reviewer, responder, fixChecker } = createModelFromEnv(env, options.log, (client) => instrumentResponsesClient(client, metrics));
  const githubForInstallation = async (installationId: number) => instrumentGithubClient(await probot.auth(installationId), metrics) as unknown as GithubClient;
  const checkRunCompletions = createCheckRunCompletionQueue(env.QUEUE_NAME, options.connection);
  // For the rare review a worker queues itself: the current head's, when no delivered push asked for it.
  const reviewQueue = createReviewQueue(env.QUEUE_NAME, options.connection);
  const checkRunWorker = startCheckRunWorker({
    queueName: env.QUEUE_NAME,
    connection: options.connection,
    githubForInstallation,
    log: options.log,
    lockDurationMs: env.WORKER_LOCK_DURATION_MS,
    stalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS,
  });
  const worker = startReviewWorker({
    queueName: env.QUEUE_NAME,
    connection: options.connection,
    concurrency: env.WORKER_CONCURRENCY,
    lockDurationMs: env.WORKER_LOCK_DURATION_MS,
    stalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS,
    githubForInstallation,
    services: {
      reviewer,
      responder,
      ...(fixChecker ? { fixChecker } : {}),
      settings: reviewSettingsFromEnv(env),
      pauses: createRedisPauseStore(options.connection, env.QUEUE_NAME),
      appSlug: options.appSlug,
      githubWebUrl: githubWebUrl(githubBaseUrl(env)),
      budget: {
        budget: createRepoReviewBudget(options.connection, { namespace: env.QUEUE_NAME, perHour: env.REVIEW_RATE_LIMIT_PER_REPO, burst: env.REVIEW_BURST_PER_REPO }),
        heldCheckRuns: createHeldCheckRuns(options.connection, env.QUEUE_NAME),
      },
      repository: snapshotCacheFromEnv(env, options.log, metrics.registry),
      pullState: {
        summaryClaims: createSummaryCommentClaims(options.connection, env.QUEUE_NAME),
        findingLedger: createFindingStateLedger(options.connection, env.QUEUE_NAME),
      },
      checkRunCompletions,
      latestPushes: createLatestPushes(options.connection, env.QUEUE_NAME),
      newestHead: createNewestHeadRequeue(reviewQueue, options.connection),
    },
    log: options.log,
  });
  // Outcomes, durations and comment counts come from the worker's events, not from inside the pipeline.
  observeWorker(worker, metrics);
  // After the worker is up (its first poll sent), so the ~0.5 s load does not delay connecting to Redis.
  setImmediate(() => {
    const startedAt = performance.now();
    preloadTokenizer();
    options.log.info({ durationMs: Math.round(performance.now() - startedAt) }, "Tokenizer tables loaded");
  });
  return {
    // Reviews first: one finishing in the grace period still queues its completion, which runs next.
    async close() {
      await worker.close();
      await checkRunWorker.close();
      await checkRunCompletions.close();
      await reviewQueue.close();
    },
    cancelAllJobs: (reason) => worker.cancelAllJobs(reason),
  };
}
