/**
 * The one Octokit method the app uses. Both Probot's installation client and `@octokit/rest` (the CLI's
 * token client) satisfy it, and every reply is validated with zod where it is read.
 */
export interface GithubClient {
  request(
    route: string,
    parameters?: Record<string, unknown>,
  ): Promise<{ status: number; data: unknown; headers: Record<string, string | number | undefined> }>;
}

/** A pull request's address. */
export interface PullRequestRef {
  owner: string;
  repo: string;
  pullNumber: number;
}

/** Octokit's RequestError carries `status` and `response`; this reads them without importing its class. */
export function httpStatusOf(error: unknown): number | null {
  if (typeof error === "object" && error !== null && "status" in error && typeof error.status === "number") {
    return error.status;
  }
  return null;
}
