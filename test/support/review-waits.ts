import type { GithubFake } from "../fakes/github-fake.js";
import { waitFor } from "./app-process.js";
import type { PullTarget } from "./webhook-payloads.js";

/** Waits until the PR has at least `count` reviews, and returns them all. */
export function waitForReviews(github: GithubFake, pull: PullTarget, count = 1, timeoutMs = 20_000) {
  const reviews = () => github.reviews(pull.owner, pull.repo, pull.number);
  return waitFor(() => (reviews().length >= count ? reviews() : undefined), timeoutMs, `${count} review(s) of #${pull.number}`);
}

/** Waits for the completed check run on the PR's head, and returns it. */
export function waitForCompletedCheckRun(github: GithubFake, pull: PullTarget, timeoutMs = 10_000) {
  const completed = () => github.checkRuns(pull.owner, pull.repo).find((run) => run.head_sha === pull.headSha && run.status === "completed");
  return waitFor(completed, timeoutMs, `the completed check run of #${pull.number}`);
}

/**
 * Waits until no check run of the app on the PR's head is left queued or in progress, then returns
 * `[status, conclusion]` of each, oldest first: what a crash or fault test asserts as the final state.
 */
export async function settledCheckRuns(github: GithubFake, pull: PullTarget, timeoutMs = 20_000): Promise<Array<[string, string | null]>> {
  const runs = () => github.checkRuns(pull.owner, pull.repo).filter((run) => run.head_sha === pull.headSha);
  // On a timeout the runs are returned as they are, so the assertion shows which one is stuck.
  await waitFor(() => (runs().length > 0 && runs().every((run) => run.status === "completed") ? true : undefined), timeoutMs, `the check runs of #${pull.number} to complete`).catch(
    () => undefined,
  );
  return runs().map((run) => [run.status, run.conclusion]);
}
