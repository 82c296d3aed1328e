import type { Logger } from "pino";
import { parseUnifiedDiff } from "../diff/parse-unified-diff.js";
import type { FileDiff } from "../diff/types.js";
import { changesSince } from "../github/compare-commits.js";
import { diffFromFileList } from "../github/diff-from-file-list.js";
import type { GithubClient, PullRequestRef } from "../github/github-client.js";
import type { PostedReview } from "../github/reviews.js";
import { hashPath } from "../review/review-marker.js";
import { selectIncrement } from "../review/select-increment.js";
import type { SkippedFile } from "../review/types.js";

/** What a review job looks at: the whole PR, the part of it the new commits touched, or nothing. */
export type ReviewScope =
  | { mode: "full" }
  /** `changes`: what the commits since `since` changed (the compare), parsed; the fix check reads it. */
  | { mode: "incremental"; since: string; files: FileDiff[]; unreviewable: SkippedFile[]; changes: FileDiff[] }
  | { mode: "nothing-new"; since: string };

export interface ScopeInput {
  mode: "incremental" | "full";
  headSha: string;
  /** The app's latest review of the PR: its head is where the increment starts, its marker names what it left uncovered. */
  lastReview: PostedReview | undefined;
  /** The PR's diff as fetched for the review (base...head). */
  pullDiff: { diff: string; unreviewable: SkippedFile[] };
}

/**
 * An incremental review covers the PR's own hunks that the commits since the last review touched, plus
 * the files that review could not cover. Commits that only bring in the base branch ("Update branch")
 * touch none of them. When the compare cannot tell what changed (rewritten history, GitHub's caps), the
 * whole PR is reviewed.
 */
export async function chooseReviewScope(github: GithubClient, ref: PullRequestRef, input: ScopeInput, log: Logger): Promise<ReviewScope> {
  const { lastReview, headSha } = input;
  if (input.mode === "full" || !lastReview) return { mode: "full" };
  const since = lastReview.marker.headSha;
  const changes = since === headSha ? { complete: true as const, files: [] } : await changesSince(github, ref, since, headSha);
  if (!changes.complete) {
    log.info({ since, reason: changes.reason }, "Reviewing the whole pull request: the changes since the last review are not fully known");
    return { mode: "full" };
  }
  const listed = diffFromFileList(changes.files);
  const carried = new Set(lastReview.marker.uncovered);
  const newChanges = parseUnifiedDiff(listed.diff);
  const increment = selectIncrement({
    pullFiles: parseUnifiedDiff(input.pullDiff.diff),
    newChanges,
    changedWithoutPatch: new Set(listed.unreviewable.map((file) => file.path)),
    isCarried: (path) => carried.has(hashPath(path)),
  });
  const changedPaths = new Set(changes.files.map((file) => file.filename));
  const unreviewable = input.pullDiff.unreviewable.filter((file) => changedPaths.has(file.path) || carried.has(hashPath(file.path)));
  log.info(
    { since, changedFiles: changes.files.length, touched: increment.touched.length, carried: increment.carried.length },
    "Incremental review scope chosen",
  );
  if (increment.files.length === 0 && unreviewable.length === 0) return { mode: "nothing-new", since };
  return { mode: "incremental", since, files: increment.files, unreviewable, changes: newChanges };
}
