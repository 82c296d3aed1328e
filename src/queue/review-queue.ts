import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { jobId, type JobData } from "./review-job.js";
import { supersedeOlderReview } from "./supersede-older-review.js";

export type JobName = JobData["kind"];
export type ReviewQueue = Queue<JobData, unknown, JobName>;

export function createReviewQueue(name: string, connection: Redis): ReviewQueue {
  return new Queue<JobData, unknown, JobName>(name, {
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

export type EnqueueResult = {
  jobId: string;
  /** The id was taken: a redelivered webhook, or a second event for the same head. */
  duplicate: boolean;
};

export interface EnqueueOptions {
  /** Redis for the latest automatic job per PR: an older one still waiting is removed (superseded). */
  supersedeWith?: Redis;
}

/** Adds a job under its deterministic id; reports whether that id was already taken. */
export async function enqueueJob(queue: ReviewQueue, data: JobData, options: EnqueueOptions = {}): Promise<EnqueueResult> {
  const id = jobId(data);
  if (await queue.getJob(id)) return { jobId: id, duplicate: true };
  // Two racing deliveries can both pass the check above; BullMQ keeps the first job under the id.
  await queue.add(data.kind, data, { jobId: id });
  if (options.supersedeWith) await supersedeOlderReview(queue, options.supersedeWith, data);
  return { jobId: id, duplicate: false };
}
