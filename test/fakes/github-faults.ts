/** A scripted failure: the next `times` matching requests get this answer instead of the real one. */
export interface GithubFault {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many matching requests fail. Default: 1. */
  times?: number;
  /**
   * The real route runs first and its effects stay (the review is stored), then the fault answers: a
   * gateway that lost GitHub's answer. Default: false (the request never reaches the route).
   */
  afterRoute?: boolean;
  /** Answer this many ms late (e.g. so a test can kill the caller while the answer is on its way). */
  delayMs?: number;
}

/**
 * Which requests a fault hits: `"POST /repos/:owner/:repo/pulls/:number/reviews"` (`:name` is one path
 * segment, `*` anything, method `*` any), or a method and a RegExp over the path. Paths are the API
 * paths without the `/api/v3` prefix and without the query.
 */
export type FaultRoute = string | { method?: string; path: string | RegExp; /** GraphQL: matched against the document's text (e.g. `/resolveReviewThread/`). */ graphql?: RegExp };

export interface PendingFault {
  method: string;
  path: RegExp;
  remaining: number;
  fault: GithubFault;
  graphql?: RegExp;
}

export function compileFault(route: FaultRoute, fault: GithubFault): PendingFault {
  let method: string;
  let path: string | RegExp;
  let graphql: RegExp | undefined;
  if (typeof route === "string") {
    const [first, ...rest] = route.trim().split(/\s+/);
    [method, path] = rest.length > 0 ? [first ?? "*", rest.join(" ")] : ["*", first ?? ""];
  } else {
    method = route.method ?? "*";
    path = route.path;
    graphql = route.graphql;
  }
  return { method: method.toUpperCase(), path: typeof path === "string" ? compilePattern(path) : path, remaining: fault.times ?? 1, fault, ...(graphql ? { graphql } : {}) };
}

/** Takes one use of the first pending fault that matches, if any. */
export function takeFault(faults: PendingFault[], method: string, path: string, body?: unknown): GithubFault | undefined {
  const query = typeof (body as { query?: unknown } | undefined)?.query === "string" ? (body as { query: string }).query : "";
  const index = faults.findIndex(
    (candidate) => (candidate.method === "*" || candidate.method === method) && candidate.path.test(path) && (!candidate.graphql || candidate.graphql.test(query)),
  );
  const pending = faults[index];
  if (!pending) return undefined;
  pending.remaining--;
  if (pending.remaining <= 0) faults.splice(index, 1);
  return pending.fault;
}

export function compilePattern(pattern: string): RegExp {
  const source = pattern
    .split("/")
    .map((segment) => (segment === "*" ? ".*" : segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${source}$`);
}

/** GitHub's own answers for the failures worth rehearsing. */
export const githubFaults = {
  serverError(status = 502, times = 1): GithubFault {
    return { status, times, body: { message: "Server Error" } };
  },
  /** The abuse limit: 403 with Retry-After, which Octokit's throttling plugin waits out. */
  secondaryRateLimit(retryAfterSeconds = 60, times = 1): GithubFault {
    return {
      status: 403,
      times,
      headers: { "retry-after": String(retryAfterSeconds), "x-ratelimit-remaining": "4990" },
      body: {
        message:
          "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000:0000:0000.",
        documentation_url: "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        status: "403",
      },
    };
  },
  /** The hourly limit: 403 with `x-ratelimit-remaining: 0` and the reset time. */
  primaryRateLimit(resetInSeconds = 60, times = 1): GithubFault {
    return {
      status: 403,
      times,
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + resetInSeconds) },
      body: {
        message: "API rate limit exceeded for installation ID 1.",
        documentation_url: "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting",
        status: "403",
      },
    };
  },
};
