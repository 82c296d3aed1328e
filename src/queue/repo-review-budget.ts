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
  /** Gives back the job's reservation, if it still holds one (it ended without calling the model). */
  refund(request: BudgetRequest): Promise<boolean>;
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

// KEYS[1] bucket hash, KEYS[2] the job's reservation; ARGV: capacity. The reserved token goes back in.
const REFUND_SCRIPT = `
if redis.call("DEL", KEYS[2]) == 0 then return 0 end
local tokens = tonumber(redis.call("HGET", KEYS[1], "tokens"))
if tokens then redis.call("HSET", KEYS[1], "tokens", tostring(math.min(tonumber(ARGV[1]), tokens + 1))) end
return 1
`;

export function createRepoReviewBudget(redis: Redis, options: RepoReviewBudgetOptions): RepoReviewBudget {
  const now = options.now ?? Date.now;
  const ratePerMs = options.perHour / HOUR_MS;
  const capacity = Math.max(1, options.burst ?? options.perHour);
  const prefix = `codex-review:${options.namespace}:budget`;
  // Repo names are case-insensitive on GitHub: one bucket per repo, whatever the payload's casing.
  const keys = ({ owner, repo, bucket, jobId }: BudgetRequest) => [`${prefix}:${bucket}:${owner.toLowerCase()}/${repo.toLowerCase()}`, `${prefix}:reserved:${jobId}`];
  return {
    async charge(request) {
      if (options.perHour <= 0) return { allowed: true };
      const [allowed, retryAt] = (await redis.eval(CHARGE_SCRIPT, 2, ...keys(request), capacity, ratePerMs, now(), RESERVATION_GRACE_MS)) as [number, number];
      return allowed === 1 ? { allowed: true } : { allowed: false, retryAt };
    },
    async refund(request) {
      return (await redis.eval(REFUND_SCRIPT, 2, ...keys(request), capacity)) === 1;
    },
  };
}
