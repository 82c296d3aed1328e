import { httpStatusOf, type GithubClient, type RepoRef } from "./github-client.js";
import { DiffTooLargeError } from "./pull-requests.js";

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
  try {
    const { data } = await client.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
      owner: repo.owner,
      repo: repo.repo,
      basehead: `${pin.baseSha}...${pin.headSha}`,
      mediaType: { format: "diff" },
      // A failure is not retried here: the caller reads the PR's diff instead, once the PR is known.
      request: { retries: 0, ...(signal ? { signal } : {}) },
    });
    if (typeof data !== "string") throw new Error("GitHub answered the compare diff request with a non-text body");
    return data;
  } catch (error) {
    if (httpStatusOf(error) === 406) throw new DiffTooLargeError((error as Error).message);
    throw error;
  }
}
