/**
 * The Lua around BullMQ's add in the one-round-trip ingest (src/queue/ingest-delivery.ts). The three
 * scripts run in one MULTI: BEFORE decides, BullMQ's own add script adds, AFTER tidies up.
 */

/** A field no BullMQ job hash has: marks the stand-in that turns BullMQ's add into a no-op. */
export const PLACEHOLDER_FIELD = "codexIngestPlaceholder";

/**
 * Decides what a delivery does, atomically with the add that follows it in the MULTI.
 *
 * KEYS: [1] the job's hash, [2] failed zset, [3] delivery ledger key, [4] person reply key,
 * [5] the PR's latest-review key, [6] wait list, [7] paused list, [8] prioritized zset,
 * [9] waiting-children zset.
 * ARGV: [1] job id, [2] ledger window s (0: no ledger), [3] person window s (0: not limited),
 * [4] latest-review TTL s (0: supersedes nothing), [5] head SHA, [6] job key prefix,
 * [7] placeholder field.
 *
 * Returns {outcome, superseded id or ""}. Outcomes: "add" (BullMQ's add creates the job), "duplicate"
 * (the id is taken), "replay", "limited", "replace" (the id's job failed for good: the caller removes
 * it and adds again, the rare slow path). When nothing may be added and the id is free, a placeholder
 * hash makes BullMQ's add see the id taken; AFTER deletes it in the same MULTI, so no other client
 * ever sees it.
 */
export const INGEST_BEFORE_ADD = `local rcall = redis.call
local jobKey = KEYS[1]
local jobId = ARGV[1]
local exists = rcall("EXISTS", jobKey) == 1
local failed = exists and rcall("ZSCORE", KEYS[2], jobId) ~= false
local function skip(outcome)
  if not exists then rcall("HSET", jobKey, ARGV[7], "1") end
  return {outcome, ""}
end
if tonumber(ARGV[2]) > 0 and not rcall("SET", KEYS[3], "1", "EX", ARGV[2], "NX") then
  if failed then return {"replace", ""} end
  return skip("replay")
end
if tonumber(ARGV[3]) > 0 and not rcall("SET", KEYS[4], "1", "EX", ARGV[3], "NX") then
  return skip("limited")
end
if failed then return {"replace", ""} end
if exists then return {"duplicate", ""} end
if tonumber(ARGV[4]) == 0 then return {"add", ""} end
local previous = rcall("GET", KEYS[5])
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

/** KEYS[1] the job's hash, ARGV[1] the placeholder field: deletes BEFORE's stand-in, never a real job. */
export const INGEST_AFTER_ADD = `if redis.call("HEXISTS", KEYS[1], ARGV[1]) == 1 then redis.call("DEL", KEYS[1]) end
return 0`;
