import { z } from "zod";
import type { GithubClient, RepoRef } from "./github-client.js";

/** The name of the app's check run; a Re-run of a run with this name asks for a review. */
export const CHECK_RUN_NAME = "codex-review";

export type CheckConclusion = "success" | "neutral" | "skipped" | "failure" | "cancelled";

export interface CheckOutput {
  title: string;
  summary: string;
}

export async function startCheckRun(client: GithubClient, repo: RepoRef, name: string, headSha: string): Promise<number> {
  const { data } = await client.request("POST /repos/{owner}/{repo}/check-runs", {
    owner: repo.owner,
    repo: repo.repo,
    name,
    head_sha: headSha,
    status: "in_progress",
    started_at: new Date().toISOString(),
  });
  return z.object({ id: z.number() }).parse(data).id;
}

export async function completeCheckRun(client: GithubClient, repo: RepoRef, checkRunId: number, conclusion: CheckConclusion, output: CheckOutput): Promise<void> {
  await updateCheckRun(client, repo, checkRunId, { status: "completed", conclusion, completed_at: new Date().toISOString() }, output);
}

/** Puts a started run back to `queued` with a note (the job waits); GitHub shows it as pending. */
export async function queueCheckRun(client: GithubClient, repo: RepoRef, checkRunId: number, output: CheckOutput): Promise<void> {
  await updateCheckRun(client, repo, checkRunId, { status: "queued" }, output);
}

/** Takes a `queued` run up again: the job that left it is running now. */
export async function resumeCheckRun(client: GithubClient, repo: RepoRef, checkRunId: number): Promise<void> {
  await updateCheckRun(client, repo, checkRunId, { status: "in_progress" }, {
    title: "Review running",
    summary: "The repository's review budget had room again; the review is running.",
  });
}

/** One PATCH of a run, with the output cut to what GitHub accepts (a longer one is a 422). */
async function updateCheckRun(
  client: GithubClient,
  repo: RepoRef,
  checkRunId: number,
  state: { status: "queued" | "in_progress" } | { status: "completed"; conclusion: CheckConclusion; completed_at: string },
  output: CheckOutput,
): Promise<void> {
  await client.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
    owner: repo.owner,
    repo: repo.repo,
    check_run_id: checkRunId,
    ...state,
    output: { title: output.title.slice(0, 250), summary: output.summary.slice(0, 60_000) },
  });
}

const CheckRunList = z.object({
  check_runs: z.array(
    z.object({
      id: z.number(),
      status: z.string(),
      app: z.object({ slug: z.string().optional() }).nullable().optional(),
    }),
  ),
});

/**
 * The app's check runs named `name` on a commit that are not completed yet (queued or in progress),
 * newest first: runs an earlier attempt of a job opened and could not close (a worker died, its lock
 * was lost, the closing PATCH failed). Runs of other apps with the same name are left alone.
 */
export async function listOpenCheckRuns(client: GithubClient, repo: RepoRef, name: string, headSha: string, appSlug: string): Promise<number[]> {
  const { data } = await client.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
    owner: repo.owner,
    repo: repo.repo,
    ref: headSha,
    check_name: name,
    filter: "all",
    per_page: 100,
  });
  return CheckRunList.parse(data)
    .check_runs.filter((run) => run.app?.slug === appSlug && run.status !== "completed")
    .map((run) => run.id);
}
