import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { reviewJobId, type ReviewJobData } from "./review-job.js";

export type ReviewQueue = Queue<ReviewJobData, unknown, "review">;

export function createReviewQueue(name: string, connection: Redis): ReviewQueue {
  return new Queue<ReviewJobData, unknown, "review">(name, {
    connection,
    defaultJobOptions: {
      attempts: 3,
      backoff: { type: "exponential", delay: 5_000 },
      // Finished jobs are kept a day so a redelivered webhook finds its job id taken and adds nothing.
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
}

export type EnqueueResult = { jobId: string; duplicate: boolean };

/** Adds a review job under its deterministic id; reports whether that id was already taken. */
export async function enqueueReview(queue: ReviewQueue, data: ReviewJobData): Promise<EnqueueResult> {
  const jobId = reviewJobId(data);
  const existing = await queue.getJob(jobId);
  if (existing) return { jobId, duplicate: true };
  // Two racing deliveries can both pass the check above; BullMQ keeps the first job under the id.
  await queue.add("review", data, { jobId });
  return { jobId, duplicate: false };
}
