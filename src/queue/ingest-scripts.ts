import type { DecisionAroundAdd } from "./script-with-bullmq-add.js";

/**
 * The Lua of the one-command ingest (src/queue/ingest-delivery.ts): our decision and BullMQ's own add
 * script, composed into ONE script, so a delivery costs the web process what a bare `Queue.add` costs
 * (one EVALSHA) and runs atomically in Redis.
 */

/** How many KEYS and ARGV the decision takes; BullMQ's add takes those after them. */
export const DECIDE_KEYS = 9;
export const DECIDE_ARGS = 6;

/**
 * Decides what a delivery does.
 *
 * KEYS: [1] the job's hash, [2] failed zset, [3] delivery ledger key, [4] person reply key,
 * [5] the PR's latest-review key, [6] wait list, [7] paused list, [8] prioritized zset,
 * [9] waiting-children zset.
 * ARGV: [1] job id, [2] ledger window s (0: no ledger), [3] person window s (0: not limited),
 * [4] latest-review TTL s (0: supersedes nothing), [5] head SHA, [6] job key prefix.
 *
 * Returns {outcome, superseded id or ""}. Outcomes: "add" (BullMQ's add creates the job), "duplicate"
 * (the id is taken), "replay", "limited", "replace" (the id's job failed for good: the caller removes
 * it and adds again, the rare slow path).
 */
const DECIDE = `local rcall = redis.call
local jobKey = KEYS[1]
local jobId = ARGV[1]
local exists = rcall("EXISTS", jobKey) == 1
local failed = exists and rcall("ZSCORE", KEYS[2], jobId) ~= false
if tonumber(ARGV[2]) > 0 and not rcall("SET", KEYS[3], "1", "EX", ARGV[2], "NX") then
  if failed then return {"replace", ""} end
  return {"replay", ""}
end
if tonumber(ARGV[3]) > 0 and not rcall("SET", KEYS[4], "1", "EX", ARGV[3], "NX") then
  return {"limited", ""}
end
if failed then return {"replace", ""} end
if exists then return {"duplicate", ""} end
if tonumber(ARGV[4]) == 0 then return {"add", ""} end
local previous = rcall("GET", KEYS[5])
latestBefore = previous
rcall("SET", KEYS[5], jobId, "EX", ARGV[4])
if not previous or previous == jobId then return {"add", ""} end
local raw = rcall("HGET", ARGV[6] .. previous, "data")
if not raw then return {"add", ""} end
local ok, data = pcall(cjson.decode, raw)
if not ok or type(data) ~= "table" or data.kind ~= "review" or data.headSha == ARGV[5] then return {"add", ""} end
if rcall("LPOS", KEYS[6], previous) or rcall("LPOS", KEYS[7], previous)
  or rcall("ZSCORE", KEYS[8], previous) or rcall("ZSCORE", KEYS[9], previous) then
  return {"add", previous}
end
return {"add", ""}`;

/** The ingest's decision around BullMQ's add (script-with-bullmq-add.ts), as one script. */
export const INGEST_DECISION: DecisionAroundAdd = {
  name: "codexIngest",
  prelude: "local latestBefore = false",
  decide: DECIDE,
  // Undone when BullMQ's add fails, so the redelivery of the delivery we answer 503 is neither a replay,
  // nor limited, nor blind to the older head it must supersede.
  undo: `if tonumber(ARGV[2]) > 0 then redis.call("DEL", KEYS[3]) end
if tonumber(ARGV[3]) > 0 then redis.call("DEL", KEYS[4]) end
if tonumber(ARGV[4]) > 0 then
  if latestBefore then redis.call("SET", KEYS[5], latestBefore, "EX", ARGV[4]) else redis.call("DEL", KEYS[5]) end
end`,
  keys: DECIDE_KEYS,
  args: DECIDE_ARGS,
};
