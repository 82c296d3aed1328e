import { z } from "zod";
import { httpStatusOf, type GithubClient, type RepoRef } from "./github-client.js";
import { PullRequestFile } from "./pull-requests.js";

const Comparison = z.object({
  status: z.enum(["diverged", "ahead", "behind", "identical"]),
  files: z.array(PullRequestFile).optional().default([]),
});

/**
 * The files changed from `base` to `head`, when `head` descends from `base`; null when it does not
 * (a force-push rewrote history) or `base` is gone, so the caller reviews the whole PR instead.
 */
export async function filesChangedSince(client: GithubClient, repo: RepoRef, base: string, head: string): Promise<PullRequestFile[] | null> {
  try {
    const { data } = await client.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
      owner: repo.owner,
      repo: repo.repo,
      basehead: `${base}...${head}`,
    });
    const comparison = Comparison.parse(data);
    return comparison.status === "ahead" || comparison.status === "identical" ? comparison.files : null;
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 404 || status === 422) return null;
    throw error;
  }
}
