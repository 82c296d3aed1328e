import { RequestError } from "@octokit/request-error";

/**
 * @octokit/plugin-retry's policy, without the Bottleneck it builds for every request. plugin-retry
 * (8.x) wraps each request in `new Bottleneck()`, whose in-process store yields to a timer on each step
 * of the job: ~5 ms before every GitHub request leaves the process with an idle event loop, and ~1 ms of
 * CPU (bench/octokit-overhead.ts). A review sends six or seven, several of them one after the other
 * before its first model call. This runs the request at once and waits only between attempts.
 *
 * Same options (`retry: { enabled, doNotRetry, retries, retryAfterBaseValue }`), same decisions:
 * - an error with a status >= 400 not in `doNotRetry` is retried up to `request.retries` (default
 *   `retries`, 3) times, waiting (n + 1)² × `retryAfterBaseValue` ms (1 s, 4 s, 9 s) before attempt n + 1;
 * - a GraphQL answer whose first error says "Something went wrong while executing your query" counts
 *   as a 500;
 * - an error with no request attached (an abort) is not retried; a network failure is (@octokit/request
 *   reports it as a 500 with its request);
 * - `request.retryCount` tells the request which attempt it is; `octokit.retry.retryRequest` marks an
 *   error for retry, as plugin-retry's does (the throttling plugin's rate-limit retries are its own).
 */

interface RetryState {
  enabled: boolean;
  retryAfterBaseValue: number;
  doNotRetry: number[];
  retries: number;
}

type RequestOptions = { request: { retries?: number; retryAfter?: number; retryCount?: number; [key: string]: unknown }; [key: string]: unknown };
type RetriableError = Error & { status: number; request: RequestOptions };
type Request = (options: RequestOptions) => Promise<{ data?: { errors?: Array<{ message: string }> } }>;

interface HookedOctokit {
  hook: {
    error(name: "request", hook: (error: unknown, options: RequestOptions) => unknown): void;
    wrap(name: "request", hook: (request: Request, options: RequestOptions) => unknown): void;
  };
}

const retryPlugin = {
  retry: {
    retryRequest(error: RetriableError, retries: number, retryAfter: number): RetriableError {
      error.request.request = { ...error.request.request, retries, retryAfter };
      return error;
    },
  },
};

export function requestRetries(octokit: HookedOctokit, octokitOptions: { retry?: Partial<RetryState> }): typeof retryPlugin {
  const state: RetryState = { enabled: true, retryAfterBaseValue: 1_000, doNotRetry: [400, 401, 403, 404, 410, 422, 451], retries: 3, ...octokitOptions.retry };
  if (state.enabled) {
    octokit.hook.error("request", (error, options) => markForRetry(state, error, options));
    octokit.hook.wrap("request", (request, options) => sendWithRetries(state, request, options));
  }
  return retryPlugin;
}
requestRetries.VERSION = "1.0.0";

function markForRetry(state: RetryState, error: unknown, options: RequestOptions): never {
  const failed = error as Partial<RetriableError>;
  if (failed.request === undefined || !failed.request.request) throw error;
  if (failed.status !== undefined && failed.status >= 400 && !state.doNotRetry.includes(failed.status)) {
    const retries = options.request.retries ?? state.retries;
    const retryAfter = ((options.request.retryCount ?? 0) + 1) ** 2;
    throw retryPlugin.retry.retryRequest(failed as RetriableError, retries, retryAfter);
  }
  throw error;
}

async function sendWithRetries(state: RetryState, request: Request, options: RequestOptions): Promise<unknown> {
  for (let retryCount = 0; ; retryCount++) {
    try {
      return await sendOnce(state, request, options);
    } catch (error) {
      const marked = (error as Partial<RetriableError>).request?.request;
      const maxRetries = ~~(marked?.retries ?? 0);
      const after = ~~(marked?.retryAfter ?? 0);
      options.request.retryCount = retryCount + 1;
      if (!(maxRetries > retryCount)) throw error;
      await new Promise((resolve) => setTimeout(resolve, after * state.retryAfterBaseValue));
    }
  }
}

async function sendOnce(state: RetryState, request: Request, options: RequestOptions): Promise<unknown> {
  const response = await request(options);
  const firstError = response.data?.errors?.[0];
  if (firstError && /Something went wrong while executing your query/.test(firstError.message)) {
    const error = new RequestError(firstError.message, 500, { request: options as never, response: response as never });
    return markForRetry(state, error, options);
  }
  return response;
}
