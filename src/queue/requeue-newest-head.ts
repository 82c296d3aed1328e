import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { createLatestPushes } from "./latest-pushed-head.js";
import { AUTOMATIC_TRIGGERS, jobId, type ReviewJobData } from "./review-job.js";
import { enqueueJob, type ReviewQueue } from "./review-queue.js";
import { supersedeOlderReview } from "./supersede-older-review.js";

/** Queues the review of a PR's head that no delivered push asked for. */
export interface NewestHeadRequeue {
  /**
   * After an automatic review found the PR's head moved to `currentHeadSha`: when no push after this
   * job's was delivered (the PR's latest recorded push is still this job), queues an automatic review of
   * the current head, and returns its job id; null when a later push was delivered (its job reviews it),
   * the current head has a job of its own, or the job is not automatic.
   */
  requeue(job: ReviewJobData, currentHeadSha: string, log: Logger): Promise<string | null>;
}

/**
 * Why: ingest lets a PR's newest push supersede its older waiting job, so the order deliveries are ingested
 * in decides which head is left. Deliveries can arrive out of order (two web replicas, GitHub's retries), and
 * a push's webhook can be lost; then the job left is for an older head, finds the head moved, and nothing
 * reviews the newest. The job that finds itself superseded while still recorded as the latest push queues
 * the current head's review, under the id that push's own delivery would give it: a late delivery of that
 * push, or a second finder, adds nothing.
 */
export function createNewestHeadRequeue(queue: ReviewQueue, redis: Redis): NewestHeadRequeue {
  const latest = createLatestPushes(redis, queue.name);
  return {
    async requeue(job, currentHeadSha, log) {
      if (job.trigger === "command" || job.trigger === "rerun" || job.headSha === currentHeadSha) return null;
      if ((await latest.newerHead(job)) !== null) return null;
      const newest: ReviewJobData = { ...job, headSha: currentHeadSha, trigger: "synchronize", mode: "incremental", commentId: null, requestedBy: null, deliveryId: null };
      if (await hasOwnJob(queue, newest)) return null;
      const queued = await enqueueJob(queue, newest, { supersedeWith: redis });
      if (queued.duplicate) {
        // An earlier run of this job queued the head's job and died before enqueueJob recorded it as the
        // PR's latest push: record it, or when that job finds the head moved again it takes this job's head
        // for a later push and queues nothing. Only a job a requeue queued (no delivery) that has not run:
        // a delivered one that ran is an older head's, which a lagging read shows.
        if (await isUnrunRequeue(queue, queued.jobId) && (await latest.newerHead(job)) === null) await supersedeOlderReview(queue, redis, newest);
        return null;
      }
      log.info({ jobId: queued.jobId, supersededHead: job.headSha, headSha: currentHeadSha }, "Head moved with no later push delivered: its review queued");
      return queued.jobId;
    },
  };
}

/**
 * Whether the head has a job of its own delivery (opened, reopened, ready for review; a synchronize is
 * enqueueJob's duplicate) that is not failed: that job reviews it, or did. A head the PR had before the
 * job's push lands here too: GitHub's read replica can still show it after every re-read, and queueing
 * its review would review an older head and record it as the PR's latest push.
 */
async function hasOwnJob(queue: ReviewQueue, head: ReviewJobData): Promise<boolean> {
  for (const trigger of AUTOMATIC_TRIGGERS) {
    if (trigger === "synchronize") continue;
    const job = await queue.getJob(jobId({ ...head, trigger }));
    if (job && !(await job.isFailed())) return true;
  }
  return false;
}

async function isUnrunRequeue(queue: ReviewQueue, id: string): Promise<boolean> {
  const job = await queue.getJob(id);
  if (!job || job.data.kind !== "review" || job.data.deliveryId !== null) return false;
  return !(await job.isCompleted()) && !(await job.isFailed());
}
