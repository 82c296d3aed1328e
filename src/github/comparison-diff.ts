import type { GithubClient, RepoRef } from "./github-client.js";
import { requestDiff } from "./pull-requests.js";

/** Two commits a diff is pinned to: a PR's base and head as an event named them. */
export interface DiffPin {
  baseSha: string;
  headSha: string;
}

/**
 * The unified diff of `base...head` (from their merge base to head: what a pull request with that base
 * and head shows). Unlike `GET /pulls/{n}` with the diff media type, which answers with whatever head
 * the replica it reaches knows, this names both commits, so it can never be another push's diff; a head
 * GitHub has not stored yet answers 404. The commits may live in a fork of `repo` (same network).
 * GitHub's diff limits (300 files, 20,000 lines) apply to compare diffs as to PR diffs: 406 is too large.
 */
export async function getComparisonDiff(client: GithubClient, repo: RepoRef, pin: DiffPin, signal?: AbortSignal): Promise<string> {
  // A failure is not retried here either: the caller reads the PR's diff instead, once the PR is known.
  return requestDiff(client, "GET /repos/{owner}/{repo}/compare/{basehead}", { owner: repo.owner, repo: repo.repo, basehead: `${pin.baseSha}...${pin.headSha}` }, signal);
}
