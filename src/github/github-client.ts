/**
 * The two Octokit methods the app uses. Both Probot's installation client and `@octokit/rest` (the CLI's
 * token client) satisfy it, and every reply is validated with zod where it is read. `graphql` knows
 * GitHub Enterprise's endpoint (`/api/graphql`, not under `/api/v3`).
 */
export interface GithubClient {
  request(
    route: string,
    parameters?: Record<string, unknown>,
  ): Promise<{ status: number; data: unknown; headers: Record<string, string | number | undefined> }>;
  graphql(query: string, variables?: Record<string, unknown>): Promise<unknown>;
}

/** A repository's address. */
export interface RepoRef {
  owner: string;
  repo: string;
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
