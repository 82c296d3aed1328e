/*
 * An automatic review's job id ends `/<head sha>/<trigger>` (review-job.ts jobKey); the PR's latest-push
 * record holds one. Workers read the head out of it in TypeScript (latest-pushed-head.ts) and the requeue
 * does in Lua (requeue-decision.ts), so both readers are here, side by side, and tested to agree.
 */

/** The head SHA (SHA-1 or SHA-256) an automatic review's job id ends with; null for any other id. */
export function headOfJobId(id: string): string | null {
  return /\/([0-9a-f]{40}|[0-9a-f]{64})\/[a-z_]+$/i.exec(id)?.[1] ?? null;
}

/** `headOfJobId` as a Lua function for scripts (`local function headOfJobId(id)`): the head, or nil. */
export const HEAD_OF_JOB_ID_LUA = `local function headOfJobId(id)
  local head = string.match(id, "/(%x+)/[%a_]+$")
  if head and (#head == 40 or #head == 64) then return head end
  return nil
end`;
