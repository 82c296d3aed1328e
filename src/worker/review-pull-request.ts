import type { Logger } from "pino";
import { completeCheckRun, startCheckRun, type CheckConclusion } from "../github/check-runs.js";
import { filesChangedSince } from "../github/compare-commits.js";
import { commentOnPullRequest, reactToComment } from "../github/conversation.js";
import { diffFromFileList } from "../github/diff-from-file-list.js";
import { reactBestEffort } from "../github/react-best-effort.js";
import { httpStatusOf, type GithubClient, type PullRequestRef } from "../github/github-client.js";
import { DiffTooLargeError, getPullRequest, getPullRequestDiff, listPullRequestFiles } from "../github/pull-requests.js";
import { appBotLogin } from "../github/own-review-author.js";
import { loadReviewContext } from "../github/review-context.js";
import { submitReview, type PostedReview } from "../github/reviews.js";
import type { ChunkReviewer } from "../llm/chunk-reviewer.js";
import type { PauseStore } from "../queue/pause-store.js";
import { jobKey, type ReviewJobData } from "../queue/review-job.js";
import type { AssembledReview } from "../review/assemble-review.js";
import { NO_ACCESS_REPLY } from "../review/render-notices.js";
import { hashJobKey } from "../review/review-marker.js";
import type { ReviewSettings } from "../review/review-settings.js";
import type { SkippedFile } from "../review/types.js";
import { CHECK_RUN_NAME } from "../webhooks/check-run-event.js";
import { mayRunCommands } from "./may-run-commands.js";
import { resolveRepoSettings } from "./pull-request-context.js";
import { reviewDiff } from "./review-diff.js";
import type { ReviewOutcome } from "./review-outcome.js";
import { summariseForCheck } from "./summarise-for-check.js";

export interface ReviewDependencies {
  github: GithubClient;
  reviewer: ChunkReviewer;
  /** Env defaults; each repository's config is laid over them. */
  settings: ReviewSettings;
  pauses: PauseStore;
  /** The App's slug: only its bot's reviews count as earlier reviews. */
  appSlug: string;
  log: Logger;
}

/** One review job, start to end: fetch -> plan -> model -> anchor -> post. GitHub and the model are injected. */
export async function reviewPullRequest(job: ReviewJobData, deps: ReviewDependencies): Promise<ReviewOutcome> {
  const { github, log } = deps;
  const ref: PullRequestRef = { owner: job.owner, repo: job.repo, pullNumber: job.pullNumber };

  if (job.trigger === "command" && job.commentId !== null) {
    if (!job.requestedBy || !(await mayRunCommands(github, ref, job.requestedBy))) {
      await commentOnPullRequest(github, ref, `@${job.requestedBy ?? "unknown"} ${NO_ACCESS_REPLY}`);
      return { status: "refused", reason: "requester lacks write access" };
    }
    await reactBestEffort(github, ref, job.commentId, "eyes", log);
  }
  try {
    const outcome = await runReview(job, ref, deps);
    if (job.trigger === "command" && job.commentId !== null) await reactBestEffort(github, ref, job.commentId, "+1", log);
    return outcome;
  } catch (error) {
    if (job.trigger === "command" && job.commentId !== null) {
      await reactToComment(github, ref, job.commentId, "confused").catch((reactionError: unknown) =>
        log.warn({ err: reactionError }, "Could not react to the command"),
      );
    }
    throw error;
  }
}

async function runReview(job: ReviewJobData, ref: PullRequestRef, deps: ReviewDependencies): Promise<ReviewOutcome> {
  const { github, log } = deps;
  const automatic = job.trigger !== "command" && job.trigger !== "rerun";
  const context = await loadReviewContext(github, ref, appBotLogin(deps.appSlug));
  const { pr } = context;
  if (pr.state !== "open") return { status: "skipped", reason: "pull request is not open" };
  const headSha = pr.head.sha;
  if (job.headSha && job.headSha !== headSha) return { status: "superseded", headSha: job.headSha, currentHeadSha: headSha };

  const { config, settings } = await resolveRepoSettings(github, ref, context.files, deps.settings, log);
  if (!config.enabled) return { status: "skipped", reason: "disabled by the repository's config" };
  const skipReason = automatic ? await automaticSkipReason(job, pr.draft, config, deps.pauses) : null;
  if (skipReason) {
    await reportCheck(github, ref, headSha, "skipped", { title: `Review skipped: ${skipReason}`, summary: `No review was run because ${skipReason}.` });
    return { status: "skipped", reason: skipReason };
  }

  const jobHash = hashJobKey(jobKey(job));
  const earlier = context.ownReviews;
  const same = earlier.find((review) => review.marker.headSha === headSha && (automatic || review.marker.job === jobHash));
  if (same) return { status: "already-posted", reviewId: same.id, headSha };

  const checkRunId = await startCheckRun(github, ref, CHECK_RUN_NAME, headSha);
  try {
    const outcome = await reviewAndPost(job, ref, { headSha, jobHash, earlier, settings, pr }, deps);
    await completeCheckRun(github, ref, checkRunId, ...summariseForCheck(outcome));
    return outcome;
  } catch (error) {
    await completeCheckRun(github, ref, checkRunId, "failure", { title: "Review failed", summary: (error as Error).message }).catch(
      (checkError: unknown) => log.warn({ err: checkError }, "Could not complete the check run"),
    );
    throw error;
  }
}

async function automaticSkipReason(job: ReviewJobData, draft: boolean, config: { auto_review: boolean; drafts: boolean }, pauses: PauseStore): Promise<string | null> {
  if (!config.auto_review) return "automatic reviews are off in the repository's config";
  if (draft && !config.drafts) return "the pull request is a draft";
  if (await pauses.isPaused(job)) return "automatic reviews are paused on this pull request (`/codex resume` resumes them)";
  return null;
}

interface ReviewTarget {
  headSha: string;
  jobHash: string;
  earlier: PostedReview[];
  settings: ReviewSettings;
  pr: { number: number; title: string; body: string; base: { ref: string }; head: { ref: string } };
}

async function reviewAndPost(job: ReviewJobData, ref: PullRequestRef, target: ReviewTarget, deps: ReviewDependencies): Promise<ReviewOutcome> {
  const { github, log } = deps;
  const { headSha, pr } = target;
  const full = await fetchDiff(github, ref, log);
  const since = job.mode === "incremental" ? target.earlier.at(-1)?.marker.headSha : undefined;
  const changed = since && since !== headSha ? await filesChangedSince(github, ref, since, headSha) : null;
  const mode = changed ? "incremental" : "full";
  log.info({ mode, since: changed ? since : null }, "Review scope chosen");
  const scope = changed ? diffFromFileList(changed) : full;

  const pullRequest = { owner: job.owner, repo: job.repo, number: pr.number, title: pr.title, body: pr.body, baseRef: pr.base.ref, headRef: pr.head.ref };
  const { review, failedChunks, plan } = await reviewDiff(
    {
      diff: scope.diff,
      pullRequest,
      headSha,
      jobHash: target.jobHash,
      unreviewable: scope.unreviewable,
      ...(changed ? { anchorDiff: full.diff } : {}),
      postedFingerprints: new Set(target.earlier.flatMap((earlierReview) => earlierReview.marker.fingerprints)),
    },
    { ...deps, settings: target.settings },
  );
  if (plan.chunks.length === 0) return { status: "skipped", reason: changed ? "no reviewable changes since the last review" : "no reviewable files" };

  // A push while the model was busy makes this review stale; the job for the new head posts instead.
  const current = await getPullRequest(github, ref);
  if (current.head.sha !== headSha) return { status: "superseded", headSha, currentHeadSha: current.head.sha };

  const reviewId = await postReview(github, ref, headSha, review, log, appBotLogin(deps.appSlug));
  return {
    status: "posted",
    reviewId,
    headSha,
    mode,
    filesReviewed: plan.files.length,
    comments: review.comments.length,
    bodyOnlyFindings: review.bodyOnlyFindings,
    repeatedFindings: review.repeatedFindings,
    severityCounts: review.severityCounts,
    failedChunks,
    usage: review.usage,
  };
}

async function reportCheck(github: GithubClient, ref: PullRequestRef, headSha: string, conclusion: CheckConclusion, output: { title: string; summary: string }) {
  const id = await startCheckRun(github, ref, CHECK_RUN_NAME, headSha);
  await completeCheckRun(github, ref, id, conclusion, output);
}

export async function fetchDiff(github: GithubClient, ref: PullRequestRef, log: Logger): Promise<{ diff: string; unreviewable: SkippedFile[] }> {
  try {
    return { diff: await getPullRequestDiff(github, ref), unreviewable: [] };
  } catch (error) {
    if (!(error instanceof DiffTooLargeError)) throw error;
    log.info({ reason: error.message }, "Diff too large for GitHub; reviewing from the file list");
    return diffFromFileList(await listPullRequestFiles(github, ref));
  }
}

/** Posts the review; if GitHub still rejects a line (422), posts once more with every comment in the body. */
export async function postReview(
  github: GithubClient,
  ref: PullRequestRef,
  headSha: string,
  review: AssembledReview,
  log: Logger,
  ownLogin: string | null,
): Promise<number> {
  try {
    return await submitReview(github, ref, { commitId: headSha, body: review.body, comments: review.comments }, ownLogin);
  } catch (error) {
    if (httpStatusOf(error) !== 422 || review.comments.length === 0) throw error;
    log.warn({ err: error, comments: review.comments.length }, "GitHub refused the review's line comments; posting them in the body");
    return submitReview(github, ref, { commitId: headSha, body: review.fallbackBody, comments: [] }, ownLogin);
  }
}
