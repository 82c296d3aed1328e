const HOUR_MS = 3_600_000;
// KEYS[1] bucket; ARGV: capacity, refill per ms, now ms. The bucket is a hash {tokens, at}; refilled lazily.
const TAKE_SCRIPT = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call("HMGET", KEYS[1], "tokens", "at")
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
if now > at then tokens = math.min(capacity, tokens + (now - at) * rate) end
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil((1 - tokens) / rate)
end
redis.call("HSET", KEYS[1], "tokens", tostring(tokens), "at", tostring(now))
redis.call("PEXPIRE", KEYS[1], math.ceil(capacity / rate) + 60000)
return {allowed, wait}
`;
export function createRepoReviewBudget(redis, options) {
    const now = options.now ?? Date.now;
    const ratePerMs = options.perHour / HOUR_MS;
    return {
        async take(owner, repo) {
            if (options.perHour <= 0)
                return { allowed: true, retryAfterMs: 0 };
            // Repo names are case-insensitive on GitHub: one bucket per repo, whatever the payload's casing.
            const key = `codex-review:${options.namespace}:budget:${owner.toLowerCase()}/${repo.toLowerCase()}`;
            const [allowed, wait] = (await redis.eval(TAKE_SCRIPT, 1, key, options.perHour, ratePerMs, now()));
            return { allowed: allowed === 1, retryAfterMs: wait };
        },
    };
}
