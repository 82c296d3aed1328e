import { DelayedError, UnrecoverableError, WaitingError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { GithubClient } from "../github/github-client.js";
import { parseJobData, type JobData } from "../queue/review-job.js";
import type { JobName } from "../queue/review-queue.js";
import { BudgetExhausted } from "./charge-review-budget.js";
import { guardGithub, handBackOnAbort } from "./hand-back-on-abort.js";
import { toJobError } from "./job-error-policy.js";
import type { ReviewOutcome } from "./review-outcome.js";
import { runJob, type JobServices } from "./run-job.js";
import { cancelJobsOnLockLoss, lockConfirmer } from "./watch-job-lock.js";

/** BullMQ's default `lockDuration`. */
const DEFAULT_LOCK_DURATION_MS = 30_000;

export interface ReviewWorkerOptions {
  queueName: string;
  connection: Redis;
  /** Jobs one process runs at once. */
  concurrency: number;
  /** An installation-scoped GitHub client; throttling and retries are set up by its factory. */
  githubForInstallation: (installationId: number) => Promise<GithubClient>;
  services: JobServices;
  log: Logger;
  /** BullMQ `lockDuration`: a job whose worker died is taken over this long after its last lock renewal. Default 30 s. */
  lockDurationMs?: number;
  /** BullMQ `stalledInterval`: how often this worker looks for such jobs. Default 30 s. */
  stalledIntervalMs?: number;
}

export function startReviewWorker(options: ReviewWorkerOptions): Worker<JobData, ReviewOutcome, JobName> {
  const { reviewer } = options.services;
  const lockDurationMs = options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS;
  const worker = new Worker<JobData, ReviewOutcome, JobName>(
    options.queueName,
    // The third parameter makes BullMQ hand the processor a cancel signal (used on shutdown).
    async (job, token, signal) => {
      let data: JobData;
      try {
        data = parseJobData(job.data);
      } catch (error) {
        throw new UnrecoverableError((error as Error).message);
      }
      const log = options.log.child({
        jobId: job.id,
        deliveryId: data.deliveryId,
        repo: `${data.owner}/${data.repo}`,
        pr: data.pullNumber,
        kind: data.kind,
        headSha: data.kind === "review" ? data.headSha : null,
        attempt: job.attemptsMade + 1,
      });
      try {
        const github = guardGithub(
          await options.githubForInstallation(data.installationId),
          signal ?? new AbortController().signal,
          lockConfirmer(worker, job, token, lockDurationMs),
        );
        const outcome = await handBackOnAbort(
          { job, token, signal, log },
          () => runJob(data, github, options.services, log, { firstAttempt: job.attemptsStarted === 1 }),
          () => github.settleWrites(),
        );
        log.info({ outcome }, "Review job finished");
        return outcome;
      } catch (error) {
        if (error instanceof WaitingError) throw error;
        if (error instanceof BudgetExhausted) {
          // Waits for the repository's budget without using an attempt; BullMQ wants DelayedError after the move.
          log.info({ runsAt: new Date(error.retryAt).toISOString() }, "Repository review budget spent: job delayed");
          await job.moveToDelayed(error.retryAt, token);
          throw new DelayedError();
        }
        const jobError = toJobError(error, (e) => reviewer.isFatal(e));
        if (reviewer.isFatal(error)) {
          // The one line an operator needs: no retry can fix a rejected key, so none is made.
          log.error({ err: jobError, final: true }, "Model API rejected the key or account (401/403): check AIMLAPI_KEY; review job failed without retries");
        } else {
          log.error({ err: jobError, final: jobError instanceof UnrecoverableError }, "Review job failed");
        }
        throw jobError;
      }
    },
    {
      connection: options.connection,
      concurrency: options.concurrency,
      lockDuration: lockDurationMs,
      ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
      // BullMQ fails a job outright (attempts left or not) once its worker died under it more than this
      // many times. Re-running a review is safe (the marker stops a second post), and under repeated
      // worker kills a job can be taken by a worker that dies before it gets anywhere (bench:faults lost
      // 6 of 400 jobs at 3), so a job gets five takeovers before it counts as a poison job; BullMQ's
      // default is one.
      maxStalledCount: 5,
    },
  );
  cancelJobsOnLockLoss(worker);
  worker.on("error", (error) => options.log.error({ err: error }, "Worker connection error"));
  return worker;
}
