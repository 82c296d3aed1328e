import type { Job } from "bullmq";
import type { Redis } from "ioredis";
import { jobId, type JobData } from "./review-job.js";
import type { ReviewQueue } from "./review-queue.js";

const WAITING_STATES = new Set(["waiting", "delayed", "prioritized", "waiting-children"]);

/**
 * A new head makes the PR's earlier automatic review job pointless: if that job is still waiting it is
 * removed from the queue (a running one finds the head moved and drops its review before posting).
 * The latest automatic job id per PR is kept in one Redis hash next to the queue.
 */
export async function supersedeOlderReview(queue: ReviewQueue, redis: Redis, data: JobData): Promise<string | null> {
  if (data.kind !== "review" || data.trigger === "command" || data.trigger === "rerun") return null;
  const client = redis;
  const key = queue.toKey("latest-review");
  const field = `${data.owner}/${data.repo}#${data.pullNumber}`;
  const newId = jobId(data);
  // Read and replace in one round trip (MULTI): a delivery costs one Redis round trip less, and two
  // racing deliveries each see the other's id.
  const [read] = (await client.multi().hget(key, field).hset(key, field, newId).exec()) ?? [];
  if (read?.[0]) throw read[0];
  const previousId = read?.[1] as string | null | undefined;
  if (!previousId || previousId === newId) return null;
  const previous: Job | undefined = await queue.getJob(previousId);
  if (!previous || (previous.data as JobData).kind !== "review") return null;
  const previousData = previous.data as Extract<JobData, { kind: "review" }>;
  if (previousData.headSha === data.headSha) return null;
  if (!WAITING_STATES.has(await previous.getState())) return null;
  try {
    await previous.remove();
    return previousId;
  } catch {
    // Picked up by a worker in the meantime: that worker sees the moved head and drops its review.
    return null;
  }
}
