import { UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { completeCheckRun } from "../github/check-runs.js";
import type { GithubClient } from "../github/github-client.js";
import { CheckRunCompletion, checkRunQueueName } from "../queue/check-run-completions.js";

export interface CheckRunWorkerOptions {
  /** The review queue's name; the completions' queue is named after it. */
  queueName: string;
  connection: Redis;
  githubForInstallation: (installationId: number) => Promise<GithubClient>;
  log: Logger;
  /** Completions in flight per process; each is one PATCH, paced per installation by Octokit. Default 8. */
  concurrency?: number;
  /** As for the review worker (WORKER_LOCK_DURATION_MS): how soon a dead worker's completion is taken over. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/** Runs the check-run completions that reviews leave behind (see queue/check-run-completions.ts). */
export function startCheckRunWorker(options: CheckRunWorkerOptions): Worker<CheckRunCompletion, void, "complete"> {
  const worker = new Worker<CheckRunCompletion, void, "complete">(
    checkRunQueueName(options.queueName),
    async (job) => {
      const parsed = CheckRunCompletion.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`Malformed check-run completion: ${parsed.error.message}`);
      const { installationId, owner, repo, checkRunId, conclusion, output } = parsed.data;
      const github = await options.githubForInstallation(installationId);
      await completeCheckRun(github, { owner, repo }, checkRunId, conclusion, output);
      options.log.debug({ jobId: job.id, checkRunId, conclusion }, "Check run completed");
    },
    {
      connection: options.connection,
      concurrency: options.concurrency ?? 8,
      ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
      ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
    },
  );
  worker.on("failed", (job, error) => options.log.warn({ err: error, jobId: job?.id, attempt: job?.attemptsMade }, "Could not complete the check run"));
  worker.on("error", (error) => options.log.error({ err: error }, "Check-run worker connection error"));
  return worker;
}
