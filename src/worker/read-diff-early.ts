import type { Logger } from "pino";
import type { DiffPin } from "../github/comparison-diff.js";
import type { LatestPushes } from "../queue/latest-pushed-head.js";
import type { PauseStore } from "../queue/pause-store.js";
import type { ReviewJobData } from "../queue/review-job.js";

/**
 * A review reads the PR's context (one GraphQL query) and then its diff: two GitHub round trips in a row
 * before the first model call. The diff can be read beside the context when the job already says it will
 * need it, so this decides that from what is known before GitHub answers:
 * - the job names the base and head its event saw: the early read is pinned to them (`base...head`),
 *   because a read by PR number can answer with another push's diff (a replica behind the push, or a
 *   push landing while both reads are in flight); a command, which names no head, reads after the context;
 * - a person asked (Re-run): only a closed PR or a repository whose config turned reviews off
 *   (`enabled: false`) stops it;
 * - an automatic review: the event said the PR was not a draft, automatic reviews are not paused on it,
 *   and no later push was delivered (that job reviews the newer head);
 * - and this process has not seen the repository's config turn that kind of review off (a repository
 *   that does pays the early read once per worker process, until its config turns them on again).
 * Anything else reads the diff after the context, as before, so a job that is skipped pays no request for it.
 * The review uses the early diff only if the context shows the pinned head and the base branch still at the
 * pinned base (`diffAtHead`).
 */

/** Repositories whose config, when this process last read it, turned all reviews or automatic ones off. */
const reposReviewsOff = new Map<string, "all" | "automatic">();
/** Enough for every repository of a large installation; the oldest is forgotten first. */
const MAX_REMEMBERED_REPOS = 10_000;

type EarlyJob = ReviewJobData & { pullNumber: number };

export interface EarlyDiffServices {
  pauses: PauseStore;
  latestPushes?: LatestPushes;
  /** True on a job's first run; a retry may find its review posted and need no diff. */
  firstAttempt?: boolean;
  log: Logger;
}

/** A diff being read beside the context, and the base and head it is the diff of. */
export interface EarlyDiff<T> {
  pin: DiffPin;
  diff: Promise<T>;
}

/**
 * Starts `read` of the job's pinned base and head when the job will need the diff (see above), else not
 * at all. Resolves, after at most two Redis reads, to null or to the diff being read (wrapped, so that
 * awaiting the decision does not wait for the diff); never rejects: a failed read is reported where
 * `diff` is awaited. `read` should stop on the job's abort signal: a job that stops leaves it unawaited.
 */
export async function readDiffEarly<T>(job: EarlyJob, services: EarlyDiffServices, read: (pin: DiffPin) => Promise<T>): Promise<EarlyDiff<T> | null> {
  if (!job.headSha || !job.baseSha || !(await needsDiff(job, services))) return null;
  const pin = { baseSha: job.baseSha, headSha: job.headSha };
  const diff = read(pin);
  diff.catch(() => undefined); // awaited by the review; unawaited if it stops first
  return { pin, diff };
}

/** What the PR's context shows: its head, and the commit its base branch points at now (null: the branch is gone). */
export interface ShownPull {
  headSha: string;
  baseTipSha: string | null;
}

/**
 * The diff of the PR as its context shows it: the early one when it is the PR's diff, else `read()` (the
 * PR's diff, as before the early read). The PR's diff runs from the merge base of the base branch's tip and
 * the head, so the early `base...head` is it only while that tip is the pinned base: GitHub can leave the
 * event's base sha (and the context's `base.sha`) behind the branch (github/docs#431), and once the head has
 * merged the newer base ("Update branch"), a diff from the older one holds the base branch's own commits.
 * A failed early read (a head GitHub has not stored yet, a diff too large) is read again the same way;
 * `read` is told why, so that a diff GitHub called too large is not asked for twice. Call it only where
 * the diff is needed: a job that stops before starts no read.
 */
export async function diffAtHead<T>(early: EarlyDiff<T> | null, shown: ShownPull, read: (earlyError?: unknown) => Promise<T>, log: Logger): Promise<T> {
  if (!early || early.pin.headSha !== shown.headSha || early.pin.baseSha !== shown.baseTipSha) {
    if (early) log.debug({ ...early.pin, shown }, "The early diff is not the PR's diff (another head, or the base branch moved); reading the PR's diff");
    return read();
  }
  try {
    return await early.diff;
  } catch (error) {
    log.info({ err: error, ...early.pin }, "Could not read the diff of the event's base and head; reading the PR's diff");
    return read(error);
  }
}

async function needsDiff(job: EarlyJob, services: EarlyDiffServices): Promise<boolean> {
  if (!services.firstAttempt) return false;
  const off = reposReviewsOff.get(repoKey(job));
  if (job.trigger === "rerun") return off !== "all";
  if (job.draft !== false || off !== undefined) return false;
  try {
    const [paused, newer] = await Promise.all([services.pauses.isPaused(job), services.latestPushes?.newerHead(job) ?? null]);
    return !paused && newer === null;
  } catch (error) {
    // Redis is read again by the review itself; the diff waits for the context, as before.
    services.log.debug({ err: error }, "Could not tell whether to read the diff early");
    return false;
  }
}

/** Remembers what the repository's config said of reviews, for the next job's decision. */
export function noteRepoConfig(job: Pick<ReviewJobData, "owner" | "repo">, config: { enabled: boolean; auto_review: boolean }): void {
  const key = repoKey(job);
  reposReviewsOff.delete(key);
  const off = !config.enabled ? "all" : !config.auto_review ? "automatic" : null;
  if (!off) return;
  if (reposReviewsOff.size >= MAX_REMEMBERED_REPOS) reposReviewsOff.delete(reposReviewsOff.keys().next().value!);
  reposReviewsOff.set(key, off);
}

const repoKey = (job: Pick<ReviewJobData, "owner" | "repo">) => `${job.owner}/${job.repo}`.toLowerCase();
