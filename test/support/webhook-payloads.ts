import type { components } from "@octokit/openapi-webhooks-types";
import examples from "@octokit/webhooks-examples" with { type: "json" };

type Json = Record<string, any>;

/** `author_association` as GitHub's webhook schema defines it. */
export type AuthorAssociation = components["schemas"]["author-association"];

/** A deep copy of a real payload from @octokit/webhooks-examples: the first of `event` with `action` (and an installation). */
export function examplePayload(event: string, action: string): Json {
  const group = (examples as unknown as Array<{ name: string; examples: Json[] }>).find((entry) => entry.name === event);
  const found = group?.examples.find((example) => example.action === action && example.installation) ??
    group?.examples.find((example) => example.action === action);
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${event}.${action}`);
  return structuredClone(found);
}

export interface PullTarget {
  owner: string;
  repo: string;
  number: number;
  headSha: string;
  installationId: number;
  /** The PR's base SHA as the event names it; default: the example payload's (a commit the fake does not know). */
  baseSha?: string;
}

function retarget(payload: Json, target: PullTarget): Json {
  payload.installation = { id: target.installationId, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
  payload.repository.name = target.repo;
  payload.repository.full_name = `${target.owner}/${target.repo}`;
  payload.repository.owner.login = target.owner;
  return payload;
}

/** A real `pull_request.<action>` payload pointed at a PR of the GitHub fake. */
export function pullRequestPayload(action: string, target: PullTarget, overrides: { draft?: boolean; state?: string } = {}): Json {
  const payload = retarget(examplePayload("pull_request", action), target);
  payload.number = target.number;
  payload.pull_request.number = target.number;
  payload.pull_request.head.sha = target.headSha;
  if (target.baseSha) payload.pull_request.base.sha = target.baseSha;
  payload.pull_request.draft = overrides.draft ?? false;
  payload.pull_request.state = overrides.state ?? "open";
  return payload;
}

/**
 * A real `issue_comment.created` payload made into a comment on a PR: the examples' comments are on plain
 * issues, so `issue.pull_request` is added as GitHub sends it for PR comments.
 */
export function prCommentPayload(
  target: Omit<PullTarget, "headSha">,
  comment: { id: number; body: string; login: string; type?: "User" | "Bot"; association?: AuthorAssociation },
): Json {
  const payload = retarget(examplePayload("issue_comment", "created"), { ...target, headSha: "" });
  payload.issue.number = target.number;
  payload.issue.pull_request = {
    url: `https://api.github.com/repos/${target.owner}/${target.repo}/pulls/${target.number}`,
    html_url: `https://github.com/${target.owner}/${target.repo}/pull/${target.number}`,
    diff_url: `https://github.com/${target.owner}/${target.repo}/pull/${target.number}.diff`,
    patch_url: `https://github.com/${target.owner}/${target.repo}/pull/${target.number}.patch`,
  };
  payload.comment.id = comment.id;
  payload.comment.body = comment.body;
  payload.comment.user.login = comment.login;
  payload.comment.user.type = comment.type ?? "User";
  // The examples' comments are the repository owner's; GitHub sends what the author is to the repository.
  if (comment.association) payload.comment.author_association = comment.association;
  payload.sender.login = comment.login;
  payload.sender.type = comment.type ?? "User";
  return payload;
}

/** A real `pull_request_review_comment.created` payload made into a reply in a review thread. */
export function reviewReplyPayload(
  target: Omit<PullTarget, "headSha">,
  reply: { id: number; inReplyTo: number; body: string; login: string; type?: "User" | "Bot"; association?: AuthorAssociation },
): Json {
  const payload = retarget(examplePayload("pull_request_review_comment", "created"), { ...target, headSha: "" });
  payload.pull_request.number = target.number;
  payload.comment.id = reply.id;
  payload.comment.in_reply_to_id = reply.inReplyTo;
  payload.comment.body = reply.body;
  payload.comment.user.login = reply.login;
  payload.comment.user.type = reply.type ?? "User";
  if (reply.association) payload.comment.author_association = reply.association;
  payload.sender.login = reply.login;
  return payload;
}

/**
 * A real `check_run.rerequested`-shaped payload for the app's check run on a PR head. For a PR from a
 * fork GitHub sends `pull_requests: []` (as the example itself has): `fromFork` keeps it so.
 */
export function checkRunRerequestedPayload(target: PullTarget, name = "codex-review", options: { fromFork?: boolean } = {}): Json {
  const payload = retarget(examplePayload("check_run", "rerequested"), target);
  payload.check_run.name = name;
  payload.check_run.head_sha = target.headSha;
  payload.check_run.check_suite.head_sha = target.headSha;
  if (!options.fromFork) payload.check_run.pull_requests = [{ number: target.number, id: target.number, url: "", head: { sha: target.headSha }, base: target.baseSha ? { sha: target.baseSha } : {} }];
  return payload;
}
