import type { JobData, ReviewJobData } from "../queue/review-job.js";
import { jobFromComment, type IssueCommentPayload } from "../webhooks/issue-comment-event.js";
import { jobFromPullRequest, type PullRequestPayload } from "../webhooks/pull-request-event.js";

/** The workflow events the Action acts on; `pull_request_target` reads like `pull_request`. */
export const ACTION_EVENTS = ["pull_request", "pull_request_target", "issue_comment"] as const;

/**
 * Stands in for the installation id webhook payloads carry and Actions' event payloads do not: the
 * Action has one token, so the id picks no client; job data only needs a valid one.
 */
const WORKFLOW_TOKEN_INSTALLATION = { id: 1 };

/** A review job of a known pull request (the events the Action takes all name theirs). */
export type ActionJob = ReviewJobData & { pullNumber: number };
export type ActionJobDecision = { job: ActionJob } | { skip: string };

/**
 * Maps the workflow's event to the App's review job with the App's own webhook mappers (same triggers,
 * same `/codex review [full]` parsing), or says why there is nothing to review. Pure.
 */
export function jobFromActionEvent(eventName: string, payload: Record<string, unknown>, appSlug: string, deliveryId: string | null): ActionJobDecision {
  const withInstallation = { ...payload, installation: WORKFLOW_TOKEN_INSTALLATION };
  if (eventName === "pull_request" || eventName === "pull_request_target") {
    const decision = jobFromPullRequest(withInstallation as unknown as PullRequestPayload, deliveryId);
    if ("skip" in decision) return decision;
    return asActionJob(decision.job);
  }
  if (eventName === "issue_comment") {
    const decision = jobFromComment(withInstallation as unknown as IssueCommentPayload, deliveryId, appSlug);
    if ("skip" in decision) return decision;
    if (decision.job.kind !== "review") {
      return { skip: `\`/codex ${decision.job.kind === "command" ? decision.job.command : "reply"}\` is answered by the App only; the Action runs \`/codex review\`` };
    }
    return asActionJob(decision.job);
  }
  return { skip: `the ${eventName} event triggers no review (the Action runs on ${ACTION_EVENTS.join(", ")})` };
}

function asActionJob(job: JobData): ActionJobDecision {
  if (job.kind !== "review" || job.pullNumber === null) return { skip: "the event names no pull request to review" };
  return { job: { ...job, pullNumber: job.pullNumber } };
}
