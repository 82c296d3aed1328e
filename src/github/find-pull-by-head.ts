import { z } from "zod";
import type { GithubClient, RepoRef } from "./github-client.js";

const PullSummary = z.object({ number: z.number(), head: z.object({ sha: z.string() }) });

/** Pages of open PRs searched (100 each, most recently updated first): a Re-run is clicked on a live head. */
const MAX_PAGES = 3;

/**
 * The open PR of the repository whose head is `headSha`, or null. For a PR from a fork GitHub's check
 * run payload names no PR, and "list pull requests associated with a commit" only knows commits in the
 * repository's own history, which a fork's head is not until merged; the repository's list of open PRs
 * does include forks' PRs, with their head SHA.
 */
export async function findOpenPullByHead(client: GithubClient, repo: RepoRef, headSha: string): Promise<number | null> {
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { data } = await client.request("GET /repos/{owner}/{repo}/pulls", {
      owner: repo.owner,
      repo: repo.repo,
      state: "open",
      sort: "updated",
      direction: "desc",
      per_page: 100,
      page,
    });
    const pulls = z.array(PullSummary).parse(data);
    const found = pulls.find((pull) => pull.head.sha === headSha);
    if (found) return found.number;
    if (pulls.length < 100) return null;
  }
  return null;
}
