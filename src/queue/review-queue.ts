import { Queue, type Job } from "bullmq";
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
      // Failed jobs stay a week for the dashboard; they do not block a redelivery (see enqueueJob).
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

/**
 * Adds a job under its deterministic id; reports whether that id was already taken.
 * A job that failed for good does not take its id: GitHub's Redeliver of that event is an operator
 * asking for another try, so the failed job is replaced by a fresh one.
 */
export async function enqueueJob(queue: ReviewQueue, data: JobData, options: EnqueueOptions = {}): Promise<EnqueueResult> {
  const id = jobId(data);
  const existing = await queue.getJob(id);
  if (existing && !(await removeFailedJob(existing))) return { jobId: id, duplicate: true };
  // Two racing deliveries can both pass the check above; BullMQ keeps the first job under the id.
  await queue.add(data.kind, data, { jobId: id });
  if (options.supersedeWith) await supersedeOlderReview(queue, options.supersedeWith, data);
  return { jobId: id, duplicate: false };
}

/** Removes a job that failed for good; false (job kept) in any other state. */
async function removeFailedJob(job: Job): Promise<boolean> {
  if (!(await job.isFailed())) return false;
  try {
    await job.remove();
    return true;
  } catch {
    // A racing redelivery removed it first (and may have added the new job already): that one counts.
    return false;
  }
}
