import { HEAD_OF_JOB_ID_LUA } from "./job-id-head.js";
import type { DecisionAroundAdd } from "./script-with-bullmq-add.js";

/**
 * What a requeue of the newest head does (requeue-newest-head.ts), decided in the same script as BullMQ's
 * add of that head's job, so no push ingested meanwhile, and no second requeuer, slips between the
 * checks, the add and the PR's latest-push record.
 *
 * "newer": a push after the superseded job's was delivered (its own job reviews it), or another requeuer
 * already queued the head. "own": a delivered opened/reopened/ready_for_review job reviews the head, or
 * did. "duplicate": the head's job is there and reviews it, or did. "recorded": that job is a requeue's
 * that has not run, which an earlier release's requeue added without recording it as the PR's latest
 * push (it did the two in separate trips, and could die between them): recorded now. "stale": the head's
 * job failed for good, or finished without reviewing (superseded, skipped): the caller removes it and
 * asks again. "add": the job is added and recorded as the PR's latest push.
 */
export type RequeueOutcome = "newer" | "own" | "duplicate" | "recorded" | "stale" | "add";

/** The triggers whose delivered jobs count as the head's own, besides the synchronize the requeue adds. */
export const OWN_DELIVERY_TRIGGERS = ["opened", "reopened", "ready_for_review"] as const;

/**
 * KEYS: [1] the head's job hash, [2] failed zset, [3] completed zset, [4] the PR's latest-review key,
 * [5..7] the hashes of the head's jobs of OWN_DELIVERY_TRIGGERS.
 * ARGV: [1] the head's job id, [2] the superseded job's head SHA, [3] latest-review TTL s, [4..6] the
 * ids of the jobs of KEYS[5..7].
 * Returns {outcome, the PR's previous latest job id or ""}.
 *
 * A job counts as reviewing its head when it is there, not failed, and not completed with a "superseded"
 * or "skipped" outcome (BullMQ keeps a completed job's return value): a head that one job found moved
 * away from, then came back to (a force-push back, whose webhook was lost), is still to be reviewed.
 */
const DECIDE = `local rcall = redis.call
${HEAD_OF_JOB_ID_LUA}
local function finishedWithoutReview(key)
  local ok, outcome = pcall(cjson.decode, rcall("HGET", key, "returnvalue") or "null")
  return ok and type(outcome) == "table" and (outcome.status == "superseded" or outcome.status == "skipped")
end
local function reviews(key, id)
  if rcall("EXISTS", key) == 0 or rcall("ZSCORE", KEYS[2], id) then return false end
  return not (rcall("ZSCORE", KEYS[3], id) and finishedWithoutReview(key))
end
local previous = rcall("GET", KEYS[4])
if previous then
  local head = headOfJobId(previous)
  if head and head ~= ARGV[2] then return {"newer", ""} end
end
for i = 5, #KEYS do
  if reviews(KEYS[i], ARGV[i - 1]) then return {"own", ""} end
end
if reviews(KEYS[1], ARGV[1]) then
  local ok, data = pcall(cjson.decode, rcall("HGET", KEYS[1], "data") or "null")
  if ok and type(data) == "table" and data.deliveryId == cjson.null and not rcall("ZSCORE", KEYS[3], ARGV[1]) then
    rcall("SET", KEYS[4], ARGV[1], "EX", ARGV[3])
    return {"recorded", previous or ""}
  end
  return {"duplicate", ""}
end
if rcall("EXISTS", KEYS[1]) == 1 then return {"stale", ""} end
latestBefore = previous
rcall("SET", KEYS[4], ARGV[1], "EX", ARGV[3])
return {"add", previous or ""}`;

export const REQUEUE_DECISION: DecisionAroundAdd = {
  name: "codexRequeue",
  prelude: "local latestBefore = false",
  decide: DECIDE,
  // BullMQ's add failed: the PR's latest push is what it was.
  undo: `if latestBefore then redis.call("SET", KEYS[4], latestBefore, "EX", ARGV[3]) else redis.call("DEL", KEYS[4]) end`,
  keys: 4 + OWN_DELIVERY_TRIGGERS.length,
  args: 3 + OWN_DELIVERY_TRIGGERS.length,
};
