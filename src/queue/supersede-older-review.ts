import type { Job } from "bullmq";
import type { Redis } from "ioredis";
import { jobId, type JobData } from "./review-job.js";
import type { ReviewQueue } from "./review-queue.js";

/** KEYS[1] the PR's key, ARGV[1] new value, ARGV[2] TTL in seconds; returns the previous value (or nil). */
const SWAP_LATEST = `local previous = redis.call("GET", KEYS[1])
redis.call("SET", KEYS[1], ARGV[1], "EX", ARGV[2])
return previous`;

/**
 * How long a PR's latest job id is remembered after its last push. Longer than any job waits in the
 * queue, so the supersede still finds a waiting job; a PR nobody pushes to drops out, so the keys stay
 * bounded by the PRs active in the last week (one hash field per PR forever, before).
 */
export const LATEST_REVIEW_TTL_SECONDS = 7 * 24 * 3600;

// Not "delayed": a job waiting for the review budget holds a `queued` check run and a reserved token;
// it wakes, finds the head moved, and settles both (a retry waiting out its backoff does the same).
const WAITING_STATES = new Set(["waiting", "prioritized", "waiting-children"]);

/** The key of the PR's latest automatic review job id; null for jobs that supersede nothing. */
export function latestReviewKey(queue: Pick<ReviewQueue, "toKey">, data: JobData): string | null {
  if (data.kind !== "review" || data.trigger === "command" || data.trigger === "rerun") return null;
  return `${queue.toKey("latest-review")}:${data.owner}/${data.repo}#${data.pullNumber}`;
}

/**
 * A new head makes the PR's earlier automatic review job pointless: if that job is still waiting it is
 * removed from the queue (a running one finds the head moved and drops its review before posting).
 * The latest automatic job id per PR is kept next to the queue, in one expiring key per PR.
 */
export async function supersedeOlderReview(queue: ReviewQueue, redis: Redis, data: JobData): Promise<string | null> {
  const key = latestReviewKey(queue, data);
  if (!key || data.kind !== "review") return null;
  const client = redis;
  const newId = jobId(data);
  // Read and replace in one atomic round trip: two racing deliveries each see the other's id. A tiny
  // EVAL beats GET + SET and MULTI on the webhook path (bench/ingest.ts: about 7 and 45 µs of web
  // CPU less per delivery).
  const previousId = (await client.eval(SWAP_LATEST, 1, key, newId, LATEST_REVIEW_TTL_SECONDS)) as string | null;
  if (!previousId || previousId === newId) return null;
  return removeWaitingOlderReview(queue, previousId, data.headSha);
}

/** Removes the PR's previous latest automatic review job if it is still waiting and for another head; returns its id if removed. */
export async function removeWaitingOlderReview(queue: ReviewQueue, previousId: string, headSha: string | null): Promise<string | null> {
  const previous: Job | undefined = await queue.getJob(previousId);
  if (!previous || (previous.data as JobData).kind !== "review") return null;
  const previousData = previous.data as Extract<JobData, { kind: "review" }>;
  if (previousData.headSha === headSha) return null;
  if (!WAITING_STATES.has(await previous.getState())) return null;
  try {
    await previous.remove();
    return previousId;
  } catch {
    // Picked up by a worker in the meantime: that worker sees the moved head and drops its review.
    return null;
  }
}
