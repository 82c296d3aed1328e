import { z } from "zod";
import { httpStatusOf, type GithubClient, type RepoRef } from "./github-client.js";
import { PullRequestFile } from "./pull-requests.js";

const Comparison = z.object({
  status: z.enum(["diverged", "ahead", "behind", "identical"]),
  total_commits: z.number(),
  commits: z.array(z.unknown()),
  files: z.array(PullRequestFile).optional().default([]),
});

/** GitHub lists at most this many files in a comparison and cuts the rest without saying so. */
export const COMPARE_MAX_FILES = 300;

/** What changed from `base` to `head`, or why that cannot be told from one compare. */
export type ChangesSince = { complete: true; files: PullRequestFile[] } | { complete: false; reason: string };

/**
 * The files changed from `base` to `head`, when `head` descends from `base` and GitHub listed them
 * all. Otherwise a reason, and the caller reviews the whole PR: `base` gone or unrelated (404/422 after
 * a force-push), a history that is not a fast-forward (`behind`, `diverged`), or a comparison GitHub
 * cut (300 files; 250 commits without paging, past which it may leave files out).
 */
export async function changesSince(client: GithubClient, repo: RepoRef, base: string, head: string): Promise<ChangesSince> {
  let data: unknown;
  try {
    ({ data } = await client.request("GET /repos/{owner}/{repo}/compare/{basehead}", { owner: repo.owner, repo: repo.repo, basehead: `${base}...${head}` }));
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 404 || status === 422) return { complete: false, reason: `GitHub cannot compare ${base.slice(0, 7)} with the head (${status}): history was rewritten` };
    throw error;
  }
  const comparison = Comparison.parse(data);
  if (comparison.status === "identical") return { complete: true, files: [] };
  if (comparison.status !== "ahead") return { complete: false, reason: `the head is ${comparison.status} from ${base.slice(0, 7)}: history was rewritten` };
  if (comparison.files.length >= COMPARE_MAX_FILES) return { complete: false, reason: `the comparison lists ${comparison.files.length} files, GitHub's cap` };
  if (comparison.total_commits > comparison.commits.length) {
    return { complete: false, reason: `the comparison holds ${comparison.total_commits} commits and GitHub listed ${comparison.commits.length}` };
  }
  return { complete: true, files: comparison.files };
}
