import { CHECK_RUN_NAME } from "../github/check-runs.js";
import type { JobDecision } from "./pull-request-event.js";

export { CHECK_RUN_NAME };

/** The fields of a `check_run` payload that a Re-run needs. */
export interface CheckRunPayload {
  action: string;
  installation?: { id: number } | null;
  repository?: { name: string; owner: { login: string } } | null;
  check_run?: { name: string; head_sha: string; pull_requests?: Array<{ number: number; base?: { sha?: string } }> | null } | null;
}

/** `Re-run` on the app's own check run asks for a full review of that head. Pure: no GitHub call here. */
export function jobFromCheckRun(payload: CheckRunPayload, deliveryId: string | null): JobDecision {
  if (payload.action !== "rerequested") return { skip: `check run ${payload.action}` };
  const run = payload.check_run;
  if (!run || !payload.repository) return { skip: "payload has no check run or repository" };
  if (run.name !== CHECK_RUN_NAME) return { skip: "check run is not ours" };
  if (!payload.installation?.id) return { skip: "payload has no installation" };
  // Empty for a PR from a fork (and for a head no PR has): the worker looks the PR up by head SHA.
  const pr = run.pull_requests?.[0];
  return {
    job: {
      kind: "review",
      installationId: payload.installation.id,
      owner: payload.repository.owner.login,
      repo: payload.repository.name,
      pullNumber: pr?.number ?? null,
      deliveryId,
      headSha: run.head_sha,
      trigger: "rerun",
      mode: "full",
      commentId: null,
      requestedBy: null,
      ...(pr?.base?.sha ? { baseSha: pr.base.sha } : {}),
    },
  };
}
