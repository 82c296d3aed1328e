import type { JobDecision } from "./pull-request-event.js";
import { mentionsApp } from "./parse-command.js";

/** The fields of a `pull_request_review_comment` payload that a threaded reply needs. */
export interface ReviewCommentPayload {
  action: string;
  installation?: { id: number } | null;
  repository?: { name: string; owner: { login: string } } | null;
  pull_request?: { number: number } | null;
  comment?: { id: number; body?: string | null; author_association?: string | null; in_reply_to_id?: number | null; user?: { login: string; type?: string } | null } | null;
}

/**
 * A reply in a review thread that addresses the app becomes a reply job. Whether the thread is one of
 * the app's own is checked in the worker, which can read the thread. Pure.
 */
export function jobFromReviewComment(payload: ReviewCommentPayload, deliveryId: string | null, appSlug: string): JobDecision {
  if (payload.action !== "created") return { skip: `review comment ${payload.action}` };
  const { comment, pull_request: pr, repository } = payload;
  if (!comment || !pr || !repository) return { skip: "payload has no comment, pull request or repository" };
  if (!comment.in_reply_to_id) return { skip: "comment starts a thread rather than replying" };
  if (!comment.user || comment.user.type === "Bot") return { skip: "comment is from a bot" };
  if (!mentionsApp(comment.body, appSlug)) return { skip: "reply does not address the app" };
  if (!payload.installation?.id) return { skip: "payload has no installation" };
  return {
    job: {
      kind: "reply",
      installationId: payload.installation.id,
      owner: repository.owner.login,
      repo: repository.name,
      pullNumber: pr.number,
      deliveryId,
      commentId: comment.id,
      requestedBy: comment.user.login,
    },
  };
}
