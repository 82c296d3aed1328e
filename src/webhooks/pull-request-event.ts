import { AUTOMATIC_TRIGGERS, type JobData } from "../queue/review-job.js";

/** The fields of a `pull_request` payload that decide whether and what to review. */
export interface PullRequestPayload {
  action: string;
  number?: number;
  installation?: { id: number } | null;
  repository?: { name: string; owner: { login: string } } | null;
  pull_request?: { number: number; draft?: boolean; state: string; head: { sha: string }; base?: { sha: string } } | null;
}

// Drafts are enqueued: whether they are reviewed is the repository's choice (`drafts` in its config),
// which only the worker reads.
export type JobDecision = { job: JobData } | { skip: string };

/** Maps a `pull_request` delivery to a review job, or says why none is due. Pure. */
export function jobFromPullRequest(payload: PullRequestPayload, deliveryId: string | null): JobDecision {
  const trigger = AUTOMATIC_TRIGGERS.find((action) => action === payload.action);
  if (!trigger) return { skip: `action ${payload.action} does not trigger a review` };
  const pr = payload.pull_request;
  if (!pr || !payload.repository) return { skip: "payload has no pull request or repository" };
  if (!payload.installation?.id) return { skip: "payload has no installation" };
  if (pr.state !== "open") return { skip: "pull request is not open" };
  return {
    job: {
      kind: "review",
      installationId: payload.installation.id,
      owner: payload.repository.owner.login,
      repo: payload.repository.name,
      pullNumber: pr.number,
      headSha: pr.head.sha,
      trigger,
      // A push is reviewed from the last reviewed head; other events review the whole PR.
      mode: trigger === "synchronize" ? "incremental" : "full",
      commentId: null,
      requestedBy: null,
      deliveryId,
      draft: pr.draft === true,
      ...(pr.base?.sha ? { baseSha: pr.base.sha } : {}),
    },
  };
}
