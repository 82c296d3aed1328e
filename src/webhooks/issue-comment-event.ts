import type { JobDecision } from "./pull-request-event.js";
import { parseCommand } from "./parse-command.js";

/** The fields of an `issue_comment` payload that a command needs. */
export interface IssueCommentPayload {
  action: string;
  installation?: { id: number } | null;
  repository?: { name: string; owner: { login: string } } | null;
  issue?: { number: number; state?: string; pull_request?: unknown } | null;
  comment?: { id: number; body?: string | null; author_association?: string | null; user?: { login: string; type?: string } | null; performed_via_github_app?: unknown } | null;
  sender?: { login: string; type?: string } | null;
}

/** Maps a PR comment that starts with a command from a person to a job. Pure. */
export function jobFromComment(payload: IssueCommentPayload, deliveryId: string | null, appSlug: string): JobDecision {
  if (payload.action !== "created") return { skip: `comment ${payload.action}` };
  const { issue, comment, repository } = payload;
  if (!issue || !comment || !repository) return { skip: "payload has no issue, comment or repository" };
  if (!issue.pull_request) return { skip: "comment is not on a pull request" };
  const author = comment.user ?? payload.sender;
  if (!author || author.type === "Bot" || comment.performed_via_github_app) return { skip: "comment is from a bot" };
  const command = parseCommand(comment.body, appSlug);
  if (!command) return { skip: "comment is not a command" };
  if (!payload.installation?.id) return { skip: "payload has no installation" };
  const base = {
    installationId: payload.installation.id,
    owner: repository.owner.login,
    repo: repository.name,
    pullNumber: issue.number,
    deliveryId,
    commentId: comment.id,
    requestedBy: author.login,
  };
  if (command.name === "review") {
    return {
      job: { ...base, kind: "review", headSha: null, trigger: "command", mode: command.args[0] === "full" ? "full" : "incremental" },
    };
  }
  return { job: { ...base, kind: "command", command: command.name } };
}
