import { completeCheckRun, queueCheckRun, resumeCheckRun } from "../github/check-runs.js";
import type { GithubClient, PullRequestRef } from "../github/github-client.js";
import type { HeldCheckRuns } from "../queue/held-check-runs.js";
import type { BudgetBucket, RepoReviewBudget } from "../queue/repo-review-budget.js";
import { AUTOMATIC_TRIGGERS, jobId, type JobData } from "../queue/review-job.js";
import type { ReviewOutcome } from "./review-outcome.js";
import { summariseForCheck } from "./summarise-for-check.js";

/** The repository review budget as the worker sees it: the buckets, and the check runs of waiting jobs. */
export interface ReviewBudgetGate {
  budget: RepoReviewBudget;
  heldCheckRuns: HeldCheckRuns;
}

/**
 * Thrown when the repository's budget has no token for the job yet: the worker moves the job to
 * `delayed` until `retryAt` (no attempt used), so the review waits instead of being lost.
 */
export class BudgetExhausted extends Error {
  override readonly name = "BudgetExhausted";
  constructor(readonly retryAt: number) {
    super(`The repository's review budget is spent; the job runs at ${new Date(retryAt).toISOString()}`);
  }
}

/** The job's check run while it waits or runs; reviews have one, thread answers do not. */
export interface BudgetCheckRun {
  github: GithubClient;
  ref: PullRequestRef;
  checkRunId: number;
  headSha: string;
}

/**
 * Charges the job to its repository's budget right before its first model call. Automatic reviews and
 * requests (commands, Re-run, thread answers) draw from separate buckets, so pushes never starve a
 * maintainer's request. With no token free, the job's check run goes back to `queued` saying when it
 * runs, and `BudgetExhausted` is thrown. No gate (CLI, tests) means no budget.
 */
export async function chargeReviewBudget(gate: ReviewBudgetGate | undefined, job: JobData, checkRun?: BudgetCheckRun): Promise<void> {
  if (!gate) return;
  const id = jobId(job);
  const charge = await gate.budget.charge({ owner: job.owner, repo: job.repo, bucket: budgetBucketOf(job), jobId: id });
  if (charge.allowed) return;
  if (checkRun) {
    const when = describeRunTime(charge.retryAt);
    await queueCheckRun(checkRun.github, checkRun.ref, checkRun.checkRunId, {
      title: `Waiting for the repository's review budget; runs at ${when}`,
      summary: `This repository has used its review budget for now (REVIEW_RATE_LIMIT_PER_REPO). The review is queued, not dropped: it runs at ${when} and updates this check run.`,
    });
    await gate.heldCheckRuns.hold(id, { checkRunId: checkRun.checkRunId, headSha: checkRun.headSha }, charge.retryAt);
  }
  throw new BudgetExhausted(charge.retryAt);
}

/**
 * The check run for a review: the one the job left `queued` while it waited (same head), else what
 * `open` gives (the head's open run of an earlier attempt, or a new one).
 */
export async function startReviewCheckRun(
  gate: ReviewBudgetGate | undefined,
  job: JobData,
  github: GithubClient,
  ref: PullRequestRef,
  headSha: string,
  open: () => Promise<number>,
): Promise<number> {
  const held = gate ? await gate.heldCheckRuns.release(jobId(job)) : null;
  if (held && held.headSha === headSha) {
    await resumeCheckRun(github, ref, held.checkRunId);
    return held.checkRunId;
  }
  if (held) await completeCheckRun(github, ref, held.checkRunId, ...summariseForCheck({ status: "superseded", headSha: held.headSha, currentHeadSha: headSha }));
  return open();
}

/**
 * A job that waited for budget and then ended without calling the model (the head moved, the PR closed,
 * reviews were paused meanwhile) gives its reserved token back, and completes the check run it left
 * `queued` with its outcome, so no run stays `queued`.
 */
export async function settleWaitingJob(gate: ReviewBudgetGate | undefined, job: JobData, github: GithubClient, outcome: ReviewOutcome): Promise<void> {
  if (!gate) return;
  const id = jobId(job);
  await gate.budget.refund({ owner: job.owner, repo: job.repo, bucket: budgetBucketOf(job), jobId: id });
  const held = await gate.heldCheckRuns.release(id);
  if (held) await completeCheckRun(github, { owner: job.owner, repo: job.repo }, held.checkRunId, ...summariseForCheck(outcome));
}

/** Which bucket pays for the job. Pure. */
export function budgetBucketOf(job: JobData): BudgetBucket {
  const automatic = job.kind === "review" && (AUTOMATIC_TRIGGERS as readonly string[]).includes(job.trigger);
  return automatic ? "automatic" : "requested";
}

/** `16:05 UTC`, with the date when it is not today's (UTC). Pure. */
export function describeRunTime(at: number, now: number = Date.now()): string {
  const iso = new Date(at).toISOString();
  const time = `${iso.slice(11, 16)} UTC`;
  return iso.slice(0, 10) === new Date(now).toISOString().slice(0, 10) ? time : `${time} on ${iso.slice(0, 10)}`;
}
