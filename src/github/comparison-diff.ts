import { measureDiff } from "../diff/measure-diff.js";
import type { GithubClient, RepoRef } from "./github-client.js";
import { DiffTooLargeError, requestDiff } from "./pull-requests.js";

/** Two commits a diff is pinned to: a PR's base and head as an event named them. */
export interface DiffPin {
  baseSha: string;
  headSha: string;
}

/**
 * GitHub's limits on a PR's unified diff: past them `GET /pulls/{n}` with the diff media type answers 406
 * ("the diff exceeded the maximum number of files (300)" / "lines (20000)"), and the review reads the
 * PR's file list instead.
 */
export const PULL_DIFF_LIMITS = { files: 300, lines: 20_000 } as const;

/**
 * The unified diff of `base...head` (from their merge base to head: what a pull request with that base
 * and head shows). Unlike `GET /pulls/{n}` with the diff media type, which answers with whatever head
 * the replica it reaches knows, this names both commits, so it can never be another push's diff; a head
 * GitHub has not stored yet answers 404. The commits may live in a fork of `repo` (same network).
 * GitHub documents no 406 for a comparison's diff (only that its JSON lists at most 300 files), and one
 * was seen served whole past 1,000 files (getsentry/seer#138): a diff past the PR diff's limits is
 * DiffTooLargeError either way, so a huge PR is reviewed from its file list as through the PR's diff.
 */
export async function getComparisonDiff(client: GithubClient, repo: RepoRef, pin: DiffPin, signal?: AbortSignal): Promise<string> {
  // A failure is not retried here either: the caller reads the PR's diff instead, once the PR is known.
  const diff = await requestDiff(client, "GET /repos/{owner}/{repo}/compare/{basehead}", { owner: repo.owner, repo: repo.repo, basehead: `${pin.baseSha}...${pin.headSha}` }, signal);
  const size = measureDiff(diff);
  if (size.files > PULL_DIFF_LIMITS.files || size.lines > PULL_DIFF_LIMITS.lines) {
    throw new DiffTooLargeError(`The comparison's diff (${size.files} files, ${size.lines} lines) is past GitHub's limits for a PR's diff (${PULL_DIFF_LIMITS.files} files, ${PULL_DIFF_LIMITS.lines} lines)`);
  }
  return diff;
}
