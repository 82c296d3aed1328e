import type { Job } from "bullmq";
import type { Redis } from "ioredis";
import { jobId, type JobData } from "./review-job.js";
import type { ReviewQueue } from "./review-queue.js";

/** KEYS[1] hash, ARGV[1] field, ARGV[2] new value; returns the previous value (or nil). */
const SWAP_LATEST = `local previous = redis.call("HGET", KEYS[1], ARGV[1])
redis.call("HSET", KEYS[1], ARGV[1], ARGV[2])
return previous`;

// Not "delayed": a job waiting for the review budget holds a `queued` check run and a reserved token;
// it wakes, finds the head moved, and settles both (a retry waiting out its backoff does the same).
const WAITING_STATES = new Set(["waiting", "prioritized", "waiting-children"]);

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
  // Read and replace in one atomic round trip: two racing deliveries each see the other's id. A tiny
  // EVAL beats HGET + HSET and MULTI on the webhook path (bench/ingest.ts: about 7 and 45 µs of web
  // CPU less per delivery).
  const previousId = (await client.eval(SWAP_LATEST, 1, key, field, newId)) as string | null;
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
