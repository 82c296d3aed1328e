import { z } from "zod";
import type { GithubClient, PullRequestRef } from "./github-client.js";

export type Reaction = "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";

export async function reactToComment(client: GithubClient, ref: Omit<PullRequestRef, "pullNumber">, commentId: number, content: Reaction): Promise<void> {
  await client.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
    owner: ref.owner,
    repo: ref.repo,
    comment_id: commentId,
    content,
  });
}

/**
 * Posts a PR comment. `once`: no blind retry of a lost answer (5xx) by Octokit, for comments whose
 * caller looks for its marker before posting: the job's retry finds a comment GitHub did store. Returns the comment's id.
 */
export async function commentOnPullRequest(client: GithubClient, ref: PullRequestRef, body: string, options: { once?: boolean } = {}): Promise<number> {
  const { data } = await client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    owner: ref.owner,
    repo: ref.repo,
    issue_number: ref.pullNumber,
    body,
    ...(options.once ? { request: { retries: 0 } } : {}),
  });
  return z.object({ id: z.number() }).parse(data).id;
}

const WRITE_PERMISSIONS = new Set(["admin", "maintain", "write"]);

/** Whether a user may trigger reviews: write access or more to the repository. */
export async function hasWriteAccess(client: GithubClient, ref: Omit<PullRequestRef, "pullNumber">, username: string): Promise<boolean> {
  const { data } = await client.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", {
    owner: ref.owner,
    repo: ref.repo,
    username,
  });
  const { permission, role_name } = z.object({ permission: z.string(), role_name: z.string().optional() }).parse(data);
  return WRITE_PERMISSIONS.has(permission) || (role_name !== undefined && WRITE_PERMISSIONS.has(role_name));
}
