import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { Logger } from "pino";
import type { GithubClient, PullRequestRef } from "../github/github-client.js";
import { getPullRequest } from "../github/pull-requests.js";
import type { ChunkReviewer } from "../llm/chunk-reviewer.js";
import { hashJobKey } from "../review/review-marker.js";
import type { ReviewSettings } from "../review/review-settings.js";
import type { RepositoryOpener } from "../repository/repository-reader.js";
import { openRepositoryForReview } from "../worker/open-repository.js";
import { reviewDiff } from "../worker/review-diff.js";
import { fetchDiff, postReview } from "../worker/review-pull-request.js";
import type { CliProgress } from "./cli-progress.js";
import { formatReview } from "./format-review.js";

export interface CliReviewDeps {
  reviewer: ChunkReviewer;
  settings: ReviewSettings;
  log: Logger;
  progress: CliProgress;
  /** Where the review (dry run) and the result line go. */
  out: (text: string) => void;
  /** The repository snapshot cache (REPO_CACHE_DIR); none means the diff alone. */
  repository?: RepositoryOpener;
  /** Web host of the GitHub behind GITHUB_TOKEN's base URL, for permalinks to lines outside the diff. Default https://github.com. */
  githubWebUrl?: string;
}

/** The head a `--diff` review pretends to be on; the marker format wants hex. */
const LOCAL_HEAD_SHA = "0000000";

/** Reviews one PR like the worker does (fetch, reviewDiff, re-check head, ONE review), then prints or posts. */
export async function runPullRequestReview(
  ref: PullRequestRef,
  options: { dryRun: boolean },
  deps: CliReviewDeps & { github: GithubClient },
): Promise<void> {
  const { github, progress, log } = deps;
  const label = `${ref.owner}/${ref.repo}#${ref.pullNumber}`;
  progress.step(`Fetching ${label}`);
  const pr = await getPullRequest(github, ref);
  const headSha = pr.head.sha;
  const { diff, unreviewable } = await fetchDiff(github, ref, log);
  progress.step(`Reviewing ${label} at ${headSha.slice(0, 7)}`);
  const pullRequest = { owner: ref.owner, repo: ref.repo, number: pr.number, title: pr.title, body: pr.body, baseRef: pr.base.ref, headRef: pr.head.ref };
  const jobHash = hashJobKey(`cli/${ref.owner}/${ref.repo}/pull/${ref.pullNumber}/${headSha}`);
  const target = { owner: ref.owner, repo: ref.repo, headSha, baseSha: pr.base.sha, sizeKb: null };
  const repository = await openRepositoryForReview(deps.repository, github, target, diff, deps.settings, log);
  const { review } = await reviewDiff(
    {
      diff,
      pullRequest,
      headSha,
      jobHash,
      unreviewable,
      onChunkDone: (done, total) => progress.chunkDone(done, total),
      ...(repository.reader ? { repository: repository.reader } : {}),
      ...(repository.unavailable ? { repositoryUnavailable: repository.unavailable } : {}),
      ...(deps.githubWebUrl ? { githubWebUrl: deps.githubWebUrl } : {}),
    },
    deps,
  ).finally(() => repository.reader?.close?.());
  progress.finish();
  if (options.dryRun) {
    deps.out(formatReview(review));
    return;
  }
  // Same rule as the worker: a push while the model worked makes the review stale, so nothing is posted.
  const current = await getPullRequest(github, ref);
  if (current.head.sha !== headSha) {
    throw new Error(`${label} moved from ${headSha.slice(0, 7)} to ${current.head.sha.slice(0, 7)} during the review; nothing was posted. Run again.`);
  }
  progress.step(`Posting the review on ${label}`);
  // A personal token's login is not looked up: after a lost answer, the review is found by its marker.
  const reviewId = await postReview(github, ref, headSha, review, log, null);
  progress.finish();
  deps.out(`Posted review ${reviewId} on ${label}: ${review.comments.length} line comment(s), ${review.bodyOnlyFindings} in the body.\n`);
}

/** Reviews a local patch file and prints the review; no GitHub involved. */
export async function runDiffFileReview(diffPath: string, options: { title: string | null }, deps: CliReviewDeps): Promise<void> {
  let diff: string;
  try {
    diff = await readFile(diffPath, "utf8");
  } catch (error) {
    throw new Error(`Cannot read the diff file ${diffPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (!/^(?:diff --git |--- |@@ )/m.test(diff)) throw new Error(`${diffPath} is not a unified diff (no "diff --git", "---" or "@@" line).`);
  const title = options.title ?? basename(diffPath);
  deps.progress.step(`Reviewing ${diffPath}`);
  const pullRequest = { owner: "local", repo: "patch", number: 0, title, body: "", baseRef: "base", headRef: "head" };
  const { review } = await reviewDiff(
    { diff, pullRequest, headSha: LOCAL_HEAD_SHA, jobHash: hashJobKey(`cli/diff/${diff}`), onChunkDone: (d, t) => deps.progress.chunkDone(d, t) },
    deps,
  );
  deps.progress.finish();
  deps.out(formatReview(review));
}
