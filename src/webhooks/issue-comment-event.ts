import type { JobDecision } from "./pull-request-event.js";
import { parseCommand } from "./parse-command.js";

/** The fields of an `issue_comment` payload that a command needs. */
export interface IssueCommentPayload {
  action: string;
  installation?: { id: number } | null;
  repository?: { name: string; owner: { login: string } } | null;
  issue?: { number: number; state?: string; pull_request?: unknown } | null;
  comment?: { id: number; body?: string | null; user?: { login: string; type?: string } | null; performed_via_github_app?: unknown } | null;
  sender?: { login: string; type?: string } | null;
}

/** Maps a PR comment to a review job when it is a `/codex review` command from a person. Pure. */
export function reviewJobFromComment(payload: IssueCommentPayload, deliveryId: string | null): JobDecision {
  if (payload.action !== "created") return { skip: `comment ${payload.action}` };
  const { issue, comment, repository } = payload;
  if (!issue || !comment || !repository) return { skip: "payload has no issue, comment or repository" };
  if (!issue.pull_request) return { skip: "comment is not on a pull request" };
  const author = comment.user ?? payload.sender;
  if (!author || author.type === "Bot" || comment.performed_via_github_app) return { skip: "comment is from a bot" };
  const command = parseCommand(comment.body);
  if (!command) return { skip: "comment is not a command" };
  if (command.name !== "review") return { skip: `command ${command.name} is not handled` };
  if (!payload.installation?.id) return { skip: "payload has no installation" };
  return {
    job: {
      installationId: payload.installation.id,
      owner: repository.owner.login,
      repo: repository.name,
      pullNumber: issue.number,
      headSha: null,
      trigger: "command",
      commentId: comment.id,
      requestedBy: author.login,
      deliveryId,
    },
  };
}
