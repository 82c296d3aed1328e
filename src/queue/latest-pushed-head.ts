import { QueueKeys } from "bullmq";
import type { Redis } from "ioredis";
import { headOfJobId } from "./job-id-head.js";
import { jobId, type JobData } from "./review-job.js";
import { latestReviewKey } from "./supersede-older-review.js";

/** Where the web process recorded a PR's latest push, as the workers read it. */
export interface LatestPushes {
  /**
   * The head of a push delivered after the one this automatic review job was made for; null when none
   * was; "untracked" for jobs whose pushes are not recorded (commands and Re-runs supersede nothing).
   */
  newerHead(job: JobData): Promise<string | null | "untracked">;
}

/**
 * Reads the PR's latest automatic job id that ingest swaps in with every push (supersede-older-review.ts):
 * one Redis GET tells a worker whether its head is still the newest delivered, where asking GitHub costs a
 * request spaced by the installation's limiter. The id ends `/<head sha>/<trigger>` (review-job.ts jobKey).
 */
export function createLatestPushes(redis: Redis, queueName: string): LatestPushes {
  const keys = new QueueKeys();
  const queue = { toKey: (type: string) => keys.toKey(queueName, type) };
  return {
    async newerHead(job) {
      const key = latestReviewKey(queue, job);
      if (!key || job.kind !== "review" || !job.headSha) return "untracked";
      const latest = await redis.get(key);
      if (!latest || latest === jobId(job)) return null;
      const head = headOfJobId(latest);
      return head && head !== job.headSha ? head : null;
    },
  };
}
