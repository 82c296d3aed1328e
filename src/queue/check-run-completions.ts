import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";

/**
 * The check-run completion after a review, as a small job of its own. Octokit's write limiter spaces an
 * installation's writes 1 s apart, so the PATCH that completes the run right after the review's POST
 * held the review's worker slot another second; queued here, it leaves the slot at once and still
 * survives a crash (the job is in Redis before the review job ends). One job per check run (its id
 * is the job id), and a PATCH to `completed` is idempotent, so a repeat does no harm.
 */
export const CheckRunCompletion = z.object({
  installationId: z.number().int().positive(),
  owner: z.string().min(1),
  repo: z.string().min(1),
  checkRunId: z.number().int().positive(),
  conclusion: z.enum(["success", "neutral", "skipped", "failure", "cancelled"]),
  output: z.object({ title: z.string(), summary: z.string() }),
});
export type CheckRunCompletion = z.infer<typeof CheckRunCompletion>;

export type CheckRunCompletionQueue = Queue<CheckRunCompletion, void, "complete">;

/** The completions' queue sits beside the review queue: `<QUEUE_NAME>-check-runs`. */
export const checkRunQueueName = (reviewQueueName: string) => `${reviewQueueName}-check-runs`;

/** BullMQ job id of a run's completion; no ':' (BullMQ forbids it in custom ids). */
export const completionJobId = (job: Pick<CheckRunCompletion, "owner" | "repo" | "checkRunId">) =>
  `check-run/${job.owner}/${job.repo}/${job.checkRunId}`.replaceAll(":", "_");

export function createCheckRunCompletionQueue(reviewQueueName: string, connection: Redis): CheckRunCompletionQueue {
  return new Queue<CheckRunCompletion, void, "complete">(checkRunQueueName(reviewQueueName), {
    connection,
    defaultJobOptions: {
      // A PATCH that fails (GitHub 5xx after Octokit's own retries) is tried again a few times.
      attempts: 5,
      backoff: { type: "exponential", delay: 2_000 },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
}

/** Queues the completion of one run; a second call for the same run adds nothing. */
export async function enqueueCheckRunCompletion(queue: CheckRunCompletionQueue, completion: CheckRunCompletion): Promise<void> {
  await queue.add("complete", completion, { jobId: completionJobId(completion) });
}
