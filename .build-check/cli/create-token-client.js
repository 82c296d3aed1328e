import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
const CliOctokit = Octokit.plugin(retry, throttling);
/** Rate-limit waits the CLI sits through before giving up; a person is watching, so keep it short. */
const MAX_RATE_LIMIT_RETRIES = 2;
/**
 * A GitHub client on a personal token, set up like Probot's installation clients: retries of 5xx and
 * waits on (secondary) rate limits, so the CLI and the App behave the same against GitHub.
 */
export function createTokenClient(options) {
    const { log } = options;
    return new CliOctokit({
        auth: options.token,
        baseUrl: options.baseUrl,
        userAgent: "codex-review-cli",
        log: {
            debug: (message) => log.debug(message),
            info: (message) => log.debug(message),
            warn: (message) => log.warn(message),
            error: (message) => log.error(message),
        },
        throttle: {
            onRateLimit: (retryAfter, _options, _octokit, retryCount) => {
                log.warn({ retryAfter, retryCount }, "GitHub rate limit hit");
                return retryCount < MAX_RATE_LIMIT_RETRIES;
            },
            onSecondaryRateLimit: (retryAfter, _options, _octokit, retryCount) => {
                log.warn({ retryAfter, retryCount }, "GitHub secondary rate limit hit");
                return retryCount < MAX_RATE_LIMIT_RETRIES;
            },
        },
    });
}
