import { retry } from "@octokit/plugin-retry";
import { ProbotOctokit } from "probot";
import { sharedCachedAppJwt } from "./cached-app-jwt.js";
import { localThrottleGroups } from "./local-throttle-groups.js";
import { readOnlyGraphql } from "./read-only-graphql.js";
import { redisSpacingGroups } from "./redis-spacing-group.js";
import { requestRetries } from "./request-retries.js";
import { RetryLimiter } from "./retry-limiter.js";

/** Waits of a rate-limited request, after which it fails and the job's own retry takes over. */
const MAX_RATE_LIMIT_RETRIES = 2;

interface ThrottledRequest {
  method: string;
  url: string;
  request: { retryCount: number };
}

interface OctokitWithLog {
  log: { warn(message: string): void };
}

/**
 * Probot's Octokit, except that read-only GraphQL leaves the write limiter (see read-only-graphql.ts)
 * and secondary rate limits are retried. Probot's own throttle options
 * (getOctokitThrottleOptions) only log a secondary limit and give up, which would fail the whole review
 * after the model was paid for; GitHub stored nothing when it answers a rate limit, so waiting its
 * `Retry-After` and sending the request again is safe. Only the write spacing is shared through Redis, one
 * script call per write (redis-spacing-group.ts); the concurrency caps stay in the process
 * (local-throttle-groups.ts). The App's JWT is signed once and reused for minutes, with the clock
 * correction GitHub last taught (cached-app-jwt.ts).
 */
export const InstallationOctokit = ProbotOctokit.plugin(readOnlyGraphql as unknown as Parameters<typeof ProbotOctokit.plugin>[0]).defaults((options: Record<string, unknown>) => {
  const throttle = (options.throttle ?? {}) as Record<string, unknown>;
  const retryTwice = (kind: string) => (retryAfter: number, request: ThrottledRequest, octokit: OctokitWithLog) => {
    const retry = request.request.retryCount < MAX_RATE_LIMIT_RETRIES;
    octokit.log.warn(`GitHub ${kind} on ${request.method} ${request.url}; ${retry ? `retrying in ${retryAfter} s` : "giving up"}`);
    return retry;
  };
  return {
    ...options,
    ...withCachedAppJwt(options.auth),
    // A group the options set themselves wins (read-only GraphQL's client sets its own `write`).
    // The retry limiter is the client's own (the plugin adds its listener to it): never one passed along to a sibling.
    throttle: {
      ...localThrottleGroups(throttle),
      ...redisSpacingGroups(throttle),
      ...throttle,
      retryLimiter: new RetryLimiter(),
      onSecondaryRateLimit: retryTwice("secondary rate limit"),
      onRateLimit: retryTwice("rate limit"),
    },
  };
});

/**
 * plugin-retry swapped for the same policy without its per-request Bottleneck (request-retries.ts), at
 * the same place among Probot's plugins, so the hooks wrap one another as in Probot's Octokit.
 */
InstallationOctokit.plugins = swapPlugin(InstallationOctokit.plugins, retry, requestRetries as unknown as (typeof InstallationOctokit.plugins)[number]);

function swapPlugin<P>(plugins: P[], from: unknown, to: P): P[] {
  if (!plugins.includes(from as P)) throw new Error("Probot's Octokit no longer carries @octokit/plugin-retry: review src/process/request-retries.ts");
  return plugins.map((plugin) => (plugin === from ? to : plugin));
}

/** Probot's app credentials, with the private key swapped for a JWT signer that reuses its JWT (auth-app takes one or the other). */
function withCachedAppJwt(auth: unknown): { auth?: Record<string, unknown> } {
  if (!auth || typeof auth !== "object" || !("privateKey" in auth) || typeof auth.privateKey !== "string") return {};
  const { privateKey, ...rest } = auth as Record<string, unknown> & { privateKey: string };
  return { auth: { ...rest, createJwt: sharedCachedAppJwt(privateKey) } };
}
