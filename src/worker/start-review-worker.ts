import { UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { GithubClient } from "../github/github-client.js";
import type { ChunkReviewer } from "../llm/chunk-reviewer.js";
import { parseReviewJobData, type ReviewJobData } from "../queue/review-job.js";
import type { ReviewSettings } from "../review/review-settings.js";
import { toJobError } from "./job-error-policy.js";
import { reviewPullRequest } from "./review-pull-request.js";
import type { ReviewOutcome } from "./review-outcome.js";

export interface ReviewWorkerOptions {
  queueName: string;
  connection: Redis;
  /** Jobs one process runs at once. */
  concurrency: number;
  /** An installation-scoped GitHub client; throttling and retries are set up by its factory. */
  githubForInstallation: (installationId: number) => Promise<GithubClient>;
  reviewer: ChunkReviewer;
  settings: ReviewSettings;
  log: Logger;
}

export function startReviewWorker(options: ReviewWorkerOptions): Worker<ReviewJobData, ReviewOutcome, "review"> {
  const worker = new Worker<ReviewJobData, ReviewOutcome, "review">(
    options.queueName,
    async (job) => {
      let data: ReviewJobData;
      try {
        data = parseReviewJobData(job.data);
      } catch (error) {
        throw new UnrecoverableError((error as Error).message);
      }
      const log = options.log.child({
        jobId: job.id,
        deliveryId: data.deliveryId,
        repo: `${data.owner}/${data.repo}`,
        pr: data.pullNumber,
        headSha: data.headSha,
        attempt: job.attemptsMade + 1,
      });
      try {
        const github = await options.githubForInstallation(data.installationId);
        const outcome = await reviewPullRequest(data, { github, reviewer: options.reviewer, settings: options.settings, log });
        log.info({ outcome }, "Review job finished");
        return outcome;
      } catch (error) {
        const jobError = toJobError(error, (e) => options.reviewer.isFatal(e));
        log.error({ err: jobError, final: jobError instanceof UnrecoverableError }, "Review job failed");
        throw jobError;
      }
    },
    { connection: options.connection, concurrency: options.concurrency },
  );
  worker.on("error", (error) => options.log.error({ err: error }, "Worker connection error"));
  return worker;
}
