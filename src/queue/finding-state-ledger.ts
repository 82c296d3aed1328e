import type { Redis } from "ioredis";
import type { PullFinding } from "../review/pull-findings.js";
import type { PullRef } from "./pause-store.js";

/**
 * The last state each finding of a PR was seen in, shared by every worker, so the findings metric
 * counts a transition once: a retried job, a redelivered event or a second worker that sees the same
 * states again changes nothing here and counts nothing.
 */
export interface FindingStateLedger {
  /** Records the findings' states; returns the transitions this call made, as `P1:open` -> count. */
  record(pull: PullRef, findings: readonly Pick<PullFinding, "fingerprint" | "severity" | "state">[]): Promise<Record<string, number>>;
}

/**
 * One round trip, atomic: for each (fingerprint, severity, state), a state not seen before is a
 * transition. A finding first seen already fixed or dismissed was raised too, so it counts as open as well.
 */
const RECORD = `local out = {}
for i = 2, #ARGV, 3 do
  local old = redis.call("HGET", KEYS[1], ARGV[i])
  if old ~= ARGV[i + 2] then
    redis.call("HSET", KEYS[1], ARGV[i], ARGV[i + 2])
    if not old and ARGV[i + 2] ~= "open" then table.insert(out, ARGV[i + 1] .. ":open") end
    table.insert(out, ARGV[i + 1] .. ":" .. ARGV[i + 2])
  end
end
redis.call("EXPIRE", KEYS[1], ARGV[1])
return out`;

const KEEP_SECONDS = 90 * 24 * 3_600;

export function createFindingStateLedger(redis: Redis, namespace: string): FindingStateLedger {
  const key = (pull: PullRef) => `codex-review:${namespace}:finding-states:${pull.owner}/${pull.repo}#${pull.pullNumber}`;
  return {
    async record(pull, findings) {
      if (findings.length === 0) return {};
      const args = findings.flatMap((finding) => [finding.fingerprint, finding.severity, finding.state]);
      const transitions = (await redis.eval(RECORD, 1, key(pull), String(KEEP_SECONDS), ...args)) as string[];
      const counts: Record<string, number> = {};
      for (const transition of transitions) counts[transition] = (counts[transition] ?? 0) + 1;
      return counts;
    },
  };
}
