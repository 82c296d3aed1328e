import { CHECK_RUN_NAME, completeCheckRun, listOpenCheckRuns, startCheckRun, type CheckConclusion, type CheckOutput } from "../github/check-runs.js";
import type { GithubClient, RepoRef } from "../github/github-client.js";

/** Where the app's check runs go and whose they are. */
export interface CheckRunTarget {
  repo: RepoRef;
  headSha: string;
  /** The app's slug: only its own runs are reused or completed. */
  appSlug: string;
}

/**
 * The app's check run on a head, shared by every run of a job for it: a retry, or a worker that took a
 * job over from one that died or lost its lock, carries on the run the first attempt opened instead of
 * opening a second one and leaving the first `in_progress` for good.
 */
export async function openCheckRun(github: GithubClient, target: CheckRunTarget): Promise<number> {
  const [open] = await listOpenCheckRuns(github, target.repo, CHECK_RUN_NAME, target.headSha, target.appSlug);
  return open ?? startCheckRun(github, target.repo, CHECK_RUN_NAME, target.headSha);
}

/** Completes every run of the app still open on the head, e.g. when an earlier attempt posted the review but could not say so. */
export async function completeOpenCheckRuns(github: GithubClient, target: CheckRunTarget, conclusion: CheckConclusion, output: CheckOutput): Promise<number> {
  const open = await listOpenCheckRuns(github, target.repo, CHECK_RUN_NAME, target.headSha, target.appSlug);
  for (const id of open) await completeCheckRun(github, target.repo, id, conclusion, output);
  return open.length;
}

/** A check run that is over as soon as it starts (a skipped review), on the head's open run if there is one. */
export async function reportCheck(github: GithubClient, target: CheckRunTarget, conclusion: CheckConclusion, output: CheckOutput): Promise<void> {
  await completeCheckRun(github, target.repo, await openCheckRun(github, target), conclusion, output);
}
