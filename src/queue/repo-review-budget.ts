import type { Redis } from "ioredis";

/**
 * A per-repository token bucket in Redis for the jobs that call the model, charged by the worker right
 * before the first model call. Each repository has two buckets of the same size: one for automatic
 * reviews and one for requests of people with write access (commands, Re-run, thread answers), so a wave
 * of pushes never starves a maintainer's `/codex review`.
 *
 * Over the limit a job is not refused: it reserves the next free token (the bucket goes into debt) and
 * learns when that token is due, so 60 waiting jobs get 60 distinct start times instead of all waking at
 * once and re-reading the PR. The reservation is kept under the job's id: when the delayed job runs
 * again it is let through on it without paying twice. BullMQ's own limiter is per queue, and per-group
 * limits are a BullMQ Pro feature.
 */
export interface RepoReviewBudget {
  /** Takes a token for the job, or reserves the next one and says when it is due. */
  charge(request: BudgetRequest): Promise<BudgetCharge>;
}

export type BudgetBucket = "automatic" | "requested";

export interface BudgetRequest {
  owner: string;
  repo: string;
  bucket: BudgetBucket;
  /** The BullMQ job id: the key of the job's reservation. */
  jobId: string;
}

export type BudgetCharge = { allowed: true } | { allowed: false; retryAt: number };

export interface RepoReviewBudgetOptions {
  /** Key namespace (the queue name). */
  namespace: string;
  /** Tokens added per hour per bucket; 0 disables the budget. */
  perHour: number;
  /** Bucket size: jobs that run at once after a quiet spell. Default `perHour`. */
  burst?: number;
  /** Injectable clock (tests, bench). */
  now?: () => number;
}

const HOUR_MS = 3_600_000;
/** A reservation outlives its due time by this much, so a job delayed a little longer still finds it. */
const RESERVATION_GRACE_MS = 24 * HOUR_MS;

// KEYS[1] bucket hash {tokens, at}; KEYS[2] the job's reservation (due time in ms).
// ARGV: capacity, refill per ms, now ms, reservation grace ms. Returns {allowed, retryAt}.
const CHARGE_SCRIPT = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local grace = tonumber(ARGV[4])
local due = tonumber(redis.call("GET", KEYS[2]))
if due then
  if now >= due then
    redis.call("DEL", KEYS[2])
    return {1, 0}
  end
  return {0, due}
end
local state = redis.call("HMGET", KEYS[1], "tokens", "at")
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
if now > at then tokens = math.min(capacity, tokens + (now - at) * rate) end
tokens = tokens - 1
redis.call("HSET", KEYS[1], "tokens", tostring(tokens), "at", tostring(now))
local refilled = math.ceil((capacity - tokens) / rate)
redis.call("PEXPIRE", KEYS[1], refilled + 60000)
if tokens >= 0 then return {1, 0} end
local wait = math.ceil(-tokens / rate)
redis.call("SET", KEYS[2], tostring(now + wait), "PX", wait + grace)
return {0, now + wait}
`;

export function createRepoReviewBudget(redis: Redis, options: RepoReviewBudgetOptions): RepoReviewBudget {
  const now = options.now ?? Date.now;
  const ratePerMs = options.perHour / HOUR_MS;
  const capacity = Math.max(1, options.burst ?? options.perHour);
  const prefix = `codex-review:${options.namespace}:budget`;
  return {
    async charge({ owner, repo, bucket, jobId }) {
      if (options.perHour <= 0) return { allowed: true };
      // Repo names are case-insensitive on GitHub: one bucket per repo, whatever the payload's casing.
      const bucketKey = `${prefix}:${bucket}:${owner.toLowerCase()}/${repo.toLowerCase()}`;
      const reservationKey = `${prefix}:reserved:${jobId}`;
      const [allowed, retryAt] = (await redis.eval(CHARGE_SCRIPT, 2, bucketKey, reservationKey, capacity, ratePerMs, now(), RESERVATION_GRACE_MS)) as [number, number];
      return allowed === 1 ? { allowed: true } : { allowed: false, retryAt };
    },
  };
}
