import type { Logger } from "pino";
import { completeCheckRun, startCheckRun, CHECK_RUN_NAME, type CheckConclusion, type CheckOutput } from "../github/check-runs.js";
import { commentOnPullRequest, reactToComment } from "../github/conversation.js";
import { parseUnifiedDiff } from "../diff/parse-unified-diff.js";
import { diffFromFileList } from "../github/diff-from-file-list.js";
import { reactBestEffort } from "../github/react-best-effort.js";
import { httpStatusOf, type GithubClient, type PullRequestRef } from "../github/github-client.js";
import { findOpenPullByHead } from "../github/find-pull-by-head.js";
import { getComparisonDiff } from "../github/comparison-diff.js";
import { DiffTooLargeError, getPullRequestDiff, listPullRequestFiles } from "../github/pull-requests.js";
import { appBotLogin } from "../github/own-review-author.js";
import { loadReviewContext } from "../github/review-context.js";
import { submitReview, type PostedReview } from "../github/reviews.js";
import type { ChunkReviewer } from "../llm/chunk-reviewer.js";
import type { FixChecker } from "../llm/fix-checker.js";
import type { ReviewThreadConnection } from "../github/review-threads.js";
import { dismissedFingerprints, findingsAfterReview, toPullFindings } from "../review/thread-findings.js";
import { checkFixedThreads } from "./check-fixed-threads.js";
import { readOwnThreads } from "./read-pull-findings.js";
import type { LatestPushes } from "../queue/latest-pushed-head.js";
import type { PauseStore } from "../queue/pause-store.js";
import type { RepositoryOpener } from "../repository/repository-reader.js";
import { jobKey, type ReviewJobData } from "../queue/review-job.js";
import type { AssembledReview } from "../review/assemble-review.js";
import { NO_ACCESS_REPLY } from "../review/render-notices.js";
import { hashJobKey } from "../review/review-marker.js";
import type { ReviewSettings } from "../review/review-settings.js";
import type { SkippedFile } from "../review/types.js";
import { answerNothingNew } from "./answer-nothing-new.js";
import { chooseReviewScope } from "./choose-review-scope.js";
import { BudgetExhausted, chargeReviewBudget, startReviewCheckRun, type ReviewBudgetGate } from "./charge-review-budget.js";
import { completeOpenCheckRuns, openCheckRun, reportCheck, type CheckRunTarget } from "./check-run-for-head.js";
import { readUntilHead } from "./confirm-head.js";
import { recheckHead } from "./recheck-head.js";
import { mayRunCommands } from "./may-run-commands.js";
import { openRepositoryForReview } from "./open-repository.js";
import { resolveRepoSettings } from "./pull-request-context.js";
import { diffAtHead, noteRepoConfig, readDiffEarly } from "./read-diff-early.js";
import { reviewDiff } from "./review-diff.js";
import type { ReviewOutcome } from "./review-outcome.js";
import { summariseForCheck } from "./summarise-for-check.js";
import { addSummaryToFirstReview } from "./summary-in-first-review.js";
import { fileStatsOf, publishPullState, type PullStateInput, type PullStateServices } from "./publish-pull-state.js";
import { parseSummaryData } from "../review/summary-data.js";

export interface ReviewDependencies extends Omit<PullStateServices, "github" | "appSlug" | "log"> {
  github: GithubClient;
  reviewer: ChunkReviewer;
  /** Env defaults; each repository's config is laid over them. */
  settings: ReviewSettings;
  pauses: PauseStore;
  /** The App's slug: only its bot's reviews count as earlier reviews, and only its check runs are reused. */
  appSlug: string;
  log: Logger;
  /** The repository review budget, charged right before the first model call; none means unlimited. */
  budget?: ReviewBudgetGate;
  /** The repository at the reviewed head (snapshot cache); none means every review reads the diff alone. */
  repository?: RepositoryOpener;
  /** Web host of the GitHub the app talks to (GHES: its own), for permalinks to lines outside the diff. Default https://github.com. */
  githubWebUrl?: string;
  /** Checks earlier findings against a new head (resolves fixed threads); none means no fix check. */
  fixChecker?: FixChecker;
  /** The pushes the web process has seen, so a first run need not ask GitHub whether its head moved (recheck-head.ts). */
  latestPushes?: LatestPushes;
  /** Waits before re-reading a head that is not the job's (GitHub's replicas lag a push). Default: confirm-head.ts. */
  headLagWaitsMs?: readonly number[];
  /**
   * True on a job's first run (BullMQ's attemptsStarted is 1): no earlier run can have opened a check
   * run, so none is looked for. Default false (look).
   */
  firstAttempt?: boolean;
  /**
   * Completes the review's check run in a durable follow-up job (queue/check-run-completions.ts), so
   * the PATCH's write spacing does not hold this job's slot; none means the job completes it itself.
   */
  deferCheckRunCompletion?: (checkRunId: number, conclusion: CheckConclusion, output: CheckOutput) => Promise<void>;
}

/** A review job whose pull request is known (a fork's Re-run names only the head SHA). */
type PullReviewJob = ReviewJobData & { pullNumber: number };

/** One review job, start to end: fetch -> plan -> model -> anchor -> post. GitHub and the model are injected. */
export async function reviewPullRequest(data: ReviewJobData, deps: ReviewDependencies): Promise<ReviewOutcome> {
  const { github, log } = deps;
  const pullNumber = data.pullNumber ?? (data.headSha ? await findOpenPullByHead(github, data, data.headSha) : null);
  if (pullNumber === null) return { status: "skipped", reason: `no open pull request has head ${data.headSha}` };
  const job: PullReviewJob = { ...data, pullNumber };
  const ref: PullRequestRef = { owner: job.owner, repo: job.repo, pullNumber };

  if (job.trigger === "command" && job.commentId !== null) {
    if (!job.requestedBy || !(await mayRunCommands(github, ref, job.requestedBy))) {
      await commentOnPullRequest(github, ref, `@${job.requestedBy ?? "unknown"} ${NO_ACCESS_REPLY}`);
      return { status: "refused", reason: "requester lacks write access" };
    }
    await reactBestEffort(github, ref, job.commentId, "eyes", log);
  }
  // Aborted when the job ends: a diff still being read for it (read-diff-early.ts) stops.
  const stop = new AbortController();
  try {
    const outcome = await runReview(job, ref, deps, data, stop.signal);
    if (job.trigger === "command" && job.commentId !== null) {
      if (outcome.status === "nothing-new") await answerNothingNew(github, ref, deps.appSlug, { commentId: job.commentId, requestedBy: job.requestedBy }, outcome.since);
      await reactBestEffort(github, ref, job.commentId, "+1", log);
    }
    return outcome;
  } catch (error) {
    // A command waiting for budget has not failed: its 👀 stays until it runs.
    if (job.trigger === "command" && job.commentId !== null && !(error instanceof BudgetExhausted)) {
      await reactToComment(github, ref, job.commentId, "confused").catch((reactionError: unknown) =>
        log.warn({ err: reactionError }, "Could not react to the command"),
      );
    }
    throw error;
  } finally {
    stop.abort();
  }
}

/** `queued`: the job as enqueued; its id keys the budget reservation and the held check run, as in settleWaitingJob. */
async function runReview(job: PullReviewJob, ref: PullRequestRef, deps: ReviewDependencies, queued: ReviewJobData, signal: AbortSignal): Promise<ReviewOutcome> {
  const { github, log } = deps;
  const automatic = job.trigger !== "command" && job.trigger !== "rerun";
  const readContext = () => loadReviewContext(github, ref, appBotLogin(deps.appSlug));
  const early = readDiffEarly(job, deps, async (pin) => ({ diff: await getComparisonDiff(github, ref, pin, signal), unreviewable: [] }));
  const context = job.headSha ? await readUntilHead(readContext, (read) => read.pr.head.sha, job.headSha, deps.headLagWaitsMs) : await readContext();
  const { pr } = context;
  const shown = { headSha: pr.head.sha, baseTipSha: context.baseTipSha };
  const readDiff = async () => diffAtHead(await early, shown, (earlyError) => fetchDiff(github, ref, log, { signal, tooLarge: earlyError instanceof DiffTooLargeError }), log);
  if (pr.state !== "open") return { status: "skipped", reason: "pull request is not open" };
  const headSha = pr.head.sha;
  if (job.headSha && job.headSha !== headSha) return { status: "superseded", headSha: job.headSha, currentHeadSha: headSha };
  const checks: CheckRunTarget = { repo: ref, headSha, appSlug: deps.appSlug };

  const { config, settings } = await resolveRepoSettings(github, ref, context.files, deps.settings, log, deps.appSlug);
  noteRepoConfig(job, config);
  if (!config.enabled) return { status: "skipped", reason: "disabled by the repository's config" };
  const skipReason = automatic ? await automaticSkipReason(job, pr.draft, config, deps.pauses) : null;
  if (skipReason) {
    await reportCheck(github, checks, "skipped", { title: `Review skipped: ${skipReason}`, summary: `No review was run because ${skipReason}.` });
    return { status: "skipped", reason: skipReason };
  }

  const jobHash = hashJobKey(jobKey(job));
  const earlier = context.ownReviews;
  const same = earlier.find((review) => review.marker.headSha === headSha && (automatic || review.marker.job === jobHash));
  if (same) {
    // An earlier attempt posted the review but may not have closed its check run (it died, lost its
    // lock, or the closing PATCH failed): close it now with the review's verdict.
    const findings = toPullFindings(await readOwnThreads(github, ref, context, appBotLogin(deps.appSlug), headSha));
    const found: ReviewOutcome = { status: "already-posted", reviewId: same.id, headSha, ...(same.marker.verdict ? { verdict: same.marker.verdict } : {}), findings };
    // The summary is written by the attempt that posted the review; only one that died before it leaves it to this one.
    const listed = parseSummaryData(context.summaryComment?.body ?? context.summaryInReview).reviews.some((review) => review.job === same.marker.job && review.sha === headSha);
    const files = settings.summaryComment && !listed ? fileStatsOf((await readDiff()).diff) : null;
    const review = { sha: headSha, job: same.marker.job, mode: null, usage: null };
    const { outcome, check } = await publishPullState(found, { ref, headSha, settings, summaryComment: context.summaryComment, summaryInReview: context.summaryInReview, review, files, findings }, deps);
    const completed = await completeOpenCheckRuns(github, checks, ...check);
    if (completed > 0) log.info({ reviewId: same.id, checkRuns: completed }, "Review was already posted; completed its open check run");
    return outcome;
  }

  const open = () => (deps.firstAttempt ? startCheckRun(github, ref, CHECK_RUN_NAME, headSha) : openCheckRun(github, checks));
  // The check run is created while the diff and the repository are read (each a round trip or more
  // before the model); reviewAndPost awaits it before its first write or model call.
  const checkRun = startReviewCheckRun(deps.budget, queued, github, ref, headSha, open);
  checkRun.catch(() => undefined); // awaited below whatever reviewAndPost does
  const diff = readDiff();
  diff.catch(() => undefined); // awaited in reviewAndPost; unawaited if it stops first
  let reviewed: Reviewed;
  try {
    reviewed = await reviewAndPost(job, ref, { headSha, jobHash, earlier, settings, pr, checkRun, queued, diff, repositorySizeKb: context.repositorySizeKb, threads: context.threads, summaryKept: context.summaryComment !== null || context.summaryInReview !== null }, deps);
  } catch (error) {
    // The job waits for budget: its check run already says `queued` and when it runs.
    if (error instanceof BudgetExhausted) throw error;
    // No check run (its creation failed): nothing to complete, and the job fails with the first error.
    const failedRunId = await checkRun.catch(() => null);
    if (failedRunId !== null) {
      await completeCheckRun(github, ref, failedRunId, "failure", { title: "Review failed", summary: (error as Error).message }).catch(
        (checkError: unknown) => log.warn({ err: checkError }, "Could not complete the check run"),
      );
    }
    throw error;
  }
  const checkRunId = await checkRun;
  // Not under the catch above: a posted review is never reported as a failure. If this PATCH (or the
  // follow-up job's enqueue) fails the job fails, and its retry finds the review's marker and completes
  // the run with the review's verdict.
  const { outcome, check } =
    reviewed.pull && (reviewed.outcome.status === "posted" || reviewed.outcome.status === "nothing-new")
      ? await publishPullState(reviewed.outcome, { ...reviewed.pull, ref, headSha, settings, summaryComment: context.summaryComment, summaryInReview: context.summaryInReview }, deps)
      : { outcome: reviewed.outcome, check: summariseForCheck(reviewed.outcome) };
  if (deps.deferCheckRunCompletion) await deps.deferCheckRunCompletion(checkRunId, ...check);
  else await completeCheckRun(github, ref, checkRunId, ...check);
  return outcome;
}

/** A review's outcome, and what it learnt of the PR for its summary comment (none when it stopped before the diff was read). */
interface Reviewed {
  outcome: ReviewOutcome;
  pull?: Pick<PullStateInput, "files" | "findings" | "review" | "walkthrough">;
}

async function automaticSkipReason(job: PullReviewJob, draft: boolean, config: { auto_review: boolean; drafts: boolean }, pauses: PauseStore): Promise<string | null> {
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
  /** The review's check run, being created; awaited before the review's first write or model call. */
  checkRun: Promise<number>;
  queued: ReviewJobData;
  /** The first page of the PR's review threads (from the ReviewContext query). */
  threads: ReviewThreadConnection;
  pr: { number: number; title: string; body: string; base: { ref: string; sha: string }; head: { ref: string } };
  /** The repository's size (KiB) from the review context; null when GitHub did not say. */
  repositorySizeKb?: number | null;
  /** The PR already has its summary (a comment, or a review holding its history). */
  summaryKept: boolean;
  /** The PR's diff, being read. */
  diff: Promise<{ diff: string; unreviewable: SkippedFile[] }>;
}

async function reviewAndPost(job: PullReviewJob, ref: PullRequestRef, target: ReviewTarget, deps: ReviewDependencies): Promise<Reviewed> {
  const { github, log } = deps;
  const { headSha, pr } = target;
  const full = await target.diff;
  // Parsed once for the summary's file stats, the repository's opening and the plan.
  const pullFiles = parseUnifiedDiff(full.diff);
  const files = target.settings.summaryComment ? fileStatsOf(pullFiles) : null;
  const scope = await chooseReviewScope(github, ref, { mode: job.mode, headSha, lastReview: target.earlier.at(-1), pullDiff: full }, log);
  if (scope.mode === "nothing-new") {
    const findings = toPullFindings(await readOwnThreads(github, ref, target, appBotLogin(deps.appSlug), headSha));
    return { outcome: { status: "nothing-new", since: scope.since }, pull: { files, findings } };
  }
  const incremental = scope.mode === "incremental";
  const mode = scope.mode;

  const repository = await openRepositoryForReview(
    deps.repository,
    github,
    { owner: job.owner, repo: job.repo, headSha, baseSha: pr.base.sha, sizeKb: target.repositorySizeKb ?? null },
    incremental ? scope.files : pullFiles,
    target.settings,
    log,
  );
  const checkRunId = await target.checkRun.catch(async (error: unknown) => {
    await repository.reader?.close?.().catch(() => undefined);
    throw error;
  });
  // The job's budget is charged once, by whichever model call comes first (fix check or review).
  let charged: Promise<void> | null = null;
  const chargeOnce = () => (charged ??= chargeReviewBudget(deps.budget, target.queued, { github, ref, checkRunId, headSha }));
  const ownLogin = appBotLogin(deps.appSlug);
  const fixes = await checkFixedThreads(
    {
      headSha,
      threads: await readOwnThreads(github, ref, target, ownLogin, headSha),
      lastReviewedHead: target.earlier.at(-1)?.marker.headSha ?? null,
      newChanges: incremental ? scope.changes : null,
      pullDiff: full.diff,
      ...(repository.reader ? { repository: repository.reader } : {}),
      reasoningEffort: target.settings.reasoningEffort,
      beforeModelCall: chargeOnce,
    },
    { github, log, ...(deps.fixChecker ? { fixChecker: deps.fixChecker } : {}) },
  );
  const pullRequest = { owner: job.owner, repo: job.repo, number: pr.number, title: pr.title, body: pr.body, baseRef: pr.base.ref, headRef: pr.head.ref };
  const { review, failedChunks, plan, toolUse } = await reviewDiff(
    {
      diff: incremental ? scope.files : pullFiles,
      pullRequest,
      headSha,
      jobHash: target.jobHash,
      unreviewable: incremental ? scope.unreviewable : full.unreviewable,
      // GitHub checks comments against the whole PR diff; the increment's hunks keep its numbering.
      ...(incremental ? { anchorDiff: full.diff } : {}),
      ...(repository.reader ? { repository: repository.reader } : {}),
      ...(repository.unavailable ? { repositoryUnavailable: repository.unavailable } : {}),
      ...(deps.githubWebUrl ? { githubWebUrl: deps.githubWebUrl } : {}),
      // What people dismissed is never raised again, even from a review older than the last 100.
      postedFingerprints: new Set([...target.earlier.flatMap((earlierReview) => earlierReview.marker.fingerprints), ...dismissedFingerprints(fixes.threads)]),
      extraUsage: fixes.usage,
      beforeModelCalls: chargeOnce,
    },
    { ...deps, settings: target.settings },
  ).finally(() => repository.reader?.close?.());
  if (plan.chunks.length === 0) return { outcome: { status: "skipped", reason: incremental ? "no reviewable changes since the last review" : "no reviewable files" } };

  // A push while the model was busy makes this review stale; the job for the new head posts instead.
  const current = await recheckHead(github, ref, ownLogin, job, { headSha, ownReviews: target.earlier }, deps);
  if (current.movedTo) return { outcome: { status: "superseded", headSha, currentHeadSha: current.movedTo } };

  const summaryReview = { sha: headSha, job: target.jobHash, mode, usage: review.usage };
  // A PR's first review is its summary: the summary comment is created by a later review (one write less).
  const withSummary = files && !target.summaryKept && target.earlier.length === 0 ? addSummaryToFirstReview(review, { headSha, files, review: summaryReview }) : null;
  const reviewId = await postReview(github, ref, headSha, withSummary ?? review, log, ownLogin, current.ownReviews);
  const findings = findingsAfterReview(fixes.threads, review.posted, headSha);
  // No files: the summary is left as it is, in the review just posted.
  const pull = { files: withSummary ? null : files, findings, walkthrough: review.walkthrough, review: summaryReview };
  const outcome: ReviewOutcome = {
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
    ...(toolUse ? { toolUse } : {}),
    findings,
    fixCheck: { checked: fixes.checked, fixed: fixes.fixed },
  };
  return { outcome, pull };
}

/** `tooLarge`: GitHub already refused this diff as too large (read-diff-early.ts), so the file list is read at once. `signal`: the job stopped. */
export async function fetchDiff(
  github: GithubClient,
  ref: PullRequestRef,
  log: Logger,
  options: { signal?: AbortSignal; tooLarge?: boolean } = {},
): Promise<{ diff: string; unreviewable: SkippedFile[] }> {
  try {
    if (options.tooLarge) throw new DiffTooLargeError("GitHub refused the diff of the same base and head as too large");
    return { diff: await getPullRequestDiff(github, ref, options.signal), unreviewable: [] };
  } catch (error) {
    if (!(error instanceof DiffTooLargeError)) throw error;
    log.info({ reason: error.message }, "Diff too large for GitHub; reviewing from the file list");
    return diffFromFileList(await listPullRequestFiles(github, ref, undefined, options.signal));
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
  /** The app's reviews as read right before (see ReviewSubmission.knownReviews). */
  knownReviews?: readonly PostedReview[],
): Promise<number> {
  try {
    return await submitReview(github, ref, { commitId: headSha, body: review.body, comments: review.comments, ...(knownReviews ? { knownReviews } : {}) }, ownLogin);
  } catch (error) {
    if (httpStatusOf(error) !== 422 || review.comments.length === 0) throw error;
    log.warn({ err: error, comments: review.comments.length }, "GitHub refused the review's line comments; posting them in the body");
    return submitReview(github, ref, { commitId: headSha, body: review.fallbackBody, comments: [] }, ownLogin);
  }
}
