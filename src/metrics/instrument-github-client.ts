import type { AppMetrics } from "./app-metrics.js";

interface RequestOptions {
  method?: string;
  url?: string;
}

/** The part of Octokit's hook API this needs; Probot's installation clients and @octokit/rest have it. */
export interface HookableOctokit {
  hook: {
    after(name: "request", hook: (response: { status: number }, options: RequestOptions) => void): void;
    error(name: "request", hook: (error: unknown, options: RequestOptions) => unknown): void;
  };
}

// Route templates (`/repos/{owner}/{repo}/pulls/{pull_number}`) keep the label set small; a URL that
// arrives already expanded has its numbers folded so one PR never becomes one time series.
function routeOf(options: RequestOptions): string {
  return (options.url ?? "unknown").split("?")[0]!.replace(/\/\d+(?=\/|$)/g, "/:n");
}

/**
 * Counts every REST call the client makes, by method, route and status (0 when GitHub never answered),
 * and those of its read-only GraphQL sibling (src/process/read-only-graphql.ts) when it has one.
 */
export function instrumentGithubClient<T extends HookableOctokit>(octokit: T, metrics: AppMetrics): T {
  const reader = (octokit as { readOnlyGraphqlClient?: HookableOctokit }).readOnlyGraphqlClient;
  if (reader) instrumentGithubClient(reader, metrics);
  octokit.hook.after("request", (response, options) => {
    metrics.githubRequests.inc({ method: options.method ?? "GET", route: routeOf(options), status: String(response.status) });
  });
  octokit.hook.error("request", (error, options) => {
    const status = typeof error === "object" && error !== null && "status" in error ? Number(error.status) : 0;
    metrics.githubRequests.inc({ method: options.method ?? "GET", route: routeOf(options), status: String(status) });
    throw error;
  });
  return octokit;
}
