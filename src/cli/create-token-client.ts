import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import type { Logger } from "pino";
import type { GithubClient } from "../github/github-client.js";

const CliOctokit = Octokit.plugin(retry, throttling);

/** Rate-limit waits the CLI sits through before giving up; a person is watching, so keep it short. */
const MAX_RATE_LIMIT_RETRIES = 2;

/**
 * A GitHub client on a personal token, set up like Probot's installation clients: retries of 5xx and
 * waits on (secondary) rate limits, so the CLI and the App behave the same against GitHub.
 */
export function createTokenClient(options: { token: string; baseUrl: string; log: Logger }): GithubClient {
  const { log } = options;
  return new CliOctokit({
    auth: options.token,
    baseUrl: options.baseUrl,
    userAgent: "codex-review-cli",
    log: {
      debug: (message: string) => log.debug(message),
      info: (message: string) => log.debug(message),
      warn: (message: string) => log.warn(message),
      // Octokit logs every failed request as an error; the CLI explains the failure itself in one line.
      error: (message: string) => log.debug(message),
    },
    throttle: {
      onRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => {
        log.warn({ retryAfter, retryCount }, "GitHub rate limit hit");
        return retryCount < MAX_RATE_LIMIT_RETRIES;
      },
      onSecondaryRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => {
        log.warn({ retryAfter, retryCount }, "GitHub secondary rate limit hit");
        return retryCount < MAX_RATE_LIMIT_RETRIES;
      },
    },
  }) as unknown as GithubClient;
}
