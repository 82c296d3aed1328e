import { AUTOMATIC_TRIGGERS, type ReviewJobData } from "../queue/review-job.js";

/** The fields of a `pull_request` payload that decide whether and what to review. */
export interface PullRequestPayload {
  action: string;
  number?: number;
  installation?: { id: number } | null;
  repository?: { name: string; owner: { login: string } } | null;
  pull_request?: { number: number; draft?: boolean; state: string; head: { sha: string } } | null;
}

export type JobDecision = { job: ReviewJobData } | { skip: string };

/** Maps a `pull_request` delivery to a review job, or says why none is due. Pure. */
export function reviewJobFromPullRequest(payload: PullRequestPayload, deliveryId: string | null): JobDecision {
  const trigger = AUTOMATIC_TRIGGERS.find((action) => action === payload.action);
  if (!trigger) return { skip: `action ${payload.action} does not trigger a review` };
  const pr = payload.pull_request;
  if (!pr || !payload.repository) return { skip: "payload has no pull request or repository" };
  if (!payload.installation?.id) return { skip: "payload has no installation" };
  if (pr.state !== "open") return { skip: "pull request is not open" };
  if (pr.draft) return { skip: "pull request is a draft" };
  return {
    job: {
      installationId: payload.installation.id,
      owner: payload.repository.owner.login,
      repo: payload.repository.name,
      pullNumber: pr.number,
      headSha: pr.head.sha,
      trigger,
      commentId: null,
      requestedBy: null,
      deliveryId,
    },
  };
}
