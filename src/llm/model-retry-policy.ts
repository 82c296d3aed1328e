import { AimlApiError } from "./aimlapi-error.js";

/** Retries of one model call: exponential backoff with full jitter, capped, Retry-After honoured. */
export interface RetryPolicy {
  /** Calls at most, first included. */
  maxAttempts: number;
  /** First backoff step. Default 1,000 ms. */
  baseDelayMs: number;
  /** No single wait is longer. Default 30,000 ms. */
  maxDelayMs: number;
  /**
   * Wall time one chunk may spend in all its attempts and waits together. No retry starts (and no wait
   * begins) that would end past it, and a call is cut off when it runs out. Default 600,000 ms.
   */
  budgetMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 30_000, budgetMs: 600_000 };

/** A bad key or an account out of credits: every later call fails the same way, so the job stops. */
export function isFatalModelError(error: unknown): boolean {
  return error instanceof AimlApiError && error.kind === "http" && (error.status === 401 || error.status === 403);
}

/**
 * Whether a failed call is worth another attempt. A 2xx body that is not a Responses object is retried
 * too: a proxy that cut the body short is a transient fault, and the attempt budget bounds the cost.
 */
export function isRetryableModelError(error: unknown): boolean {
  if (!(error instanceof AimlApiError)) return false;
  return error.retryable || error.kind === "invalid_response";
}

/** Wait before attempt `attempt + 1` (attempt counts from 1). `random` is injectable for tests. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, error: unknown, random: () => number = Math.random): number {
  const hinted = error instanceof AimlApiError ? error.retryAfterMs : null;
  if (hinted !== null && hinted >= 0) return Math.min(hinted, policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
