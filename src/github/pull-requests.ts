import { z } from "zod";
import { httpStatusOf, type GithubClient, type PullRequestRef } from "./github-client.js";
import { requestUntilStopped } from "./request-until-stopped.js";

export const PullRequest = z.object({
  number: z.number(),
  state: z.string(),
  draft: z.boolean().optional().default(false),
  title: z.string(),
  body: z.string().nullable().optional().transform((body) => body ?? ""),
  user: z.object({ login: z.string() }).nullable().optional(),
  head: z.object({ sha: z.string(), ref: z.string() }),
  base: z.object({ sha: z.string(), ref: z.string() }),
});
export type PullRequest = z.infer<typeof PullRequest>;

export const PullRequestFile = z.object({
  filename: z.string(),
  status: z.string(),
  additions: z.number(),
  deletions: z.number(),
  patch: z.string().optional(),
  previous_filename: z.string().optional(),
});
export type PullRequestFile = z.infer<typeof PullRequestFile>;

const pullRoute = "GET /repos/{owner}/{repo}/pulls/{pull_number}";

export async function getPullRequest(client: GithubClient, ref: PullRequestRef): Promise<PullRequest> {
  const { data } = await client.request(pullRoute, { owner: ref.owner, repo: ref.repo, pull_number: ref.pullNumber });
  return PullRequest.parse(data);
}

/** GitHub refuses the unified diff of very large PRs (over 20,000 lines or 300 files) with 406. */
export class DiffTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DiffTooLargeError";
  }
}

/** `signal`: aborts the request when the job that wanted the diff has stopped. */
export async function getPullRequestDiff(client: GithubClient, ref: PullRequestRef, signal?: AbortSignal): Promise<string> {
  return requestDiff(client, pullRoute, { owner: ref.owner, repo: ref.repo, pull_number: ref.pullNumber }, signal);
}

/**
 * A request for a unified diff (the diff media type), as text. Not retried: Octokit's retry plugin
 * retries 406 (1 s, 4 s, 9 s), but "too large" never changes, and any other failure costs only a job retry
 * or a fallback read, since no model call has been made yet. 406 is thrown as DiffTooLargeError.
 */
export async function requestDiff(client: GithubClient, route: string, parameters: Record<string, unknown>, signal?: AbortSignal): Promise<string> {
  try {
    const { data } = await client.request(route, { ...parameters, mediaType: { format: "diff" }, request: { retries: 0, ...(signal ? { signal } : {}) } });
    if (typeof data !== "string") throw new Error(`GitHub answered the diff request (${route}) with a non-text body`);
    return data;
  } catch (error) {
    if (httpStatusOf(error) === 406) throw new DiffTooLargeError((error as Error).message);
    throw error;
  }
}

/**
 * The PR's files with their patches, page by page (GitHub lists at most 3,000). `signal` stops the
 * paging (up to 30 requests) when the job that wanted them has stopped, a page's retries included
 * (request-until-stopped.ts; `retryWaitsMs`: its waits after a server error).
 */
export async function listPullRequestFiles(
  client: GithubClient,
  ref: PullRequestRef,
  maxFiles = 3_000,
  signal?: AbortSignal,
  retryWaitsMs?: readonly number[],
): Promise<PullRequestFile[]> {
  const files: PullRequestFile[] = [];
  const route = "GET /repos/{owner}/{repo}/pulls/{pull_number}/files";
  for (let page = 1; files.length < maxFiles; page++) {
    const parameters = { owner: ref.owner, repo: ref.repo, pull_number: ref.pullNumber, per_page: 100, page };
    const { data } = signal ? await requestUntilStopped(client, route, parameters, signal, retryWaitsMs) : await client.request(route, parameters);
    const batch = z.array(PullRequestFile).parse(data);
    files.push(...batch);
    if (batch.length < 100) break;
  }
  return files.slice(0, maxFiles);
}
