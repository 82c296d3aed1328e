import { AimlApiError } from "./aimlapi-error.js";
export const DEFAULT_RETRY_POLICY = { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 30_000, budgetMs: 600_000 };
/** A bad key or an account out of credits: every later call fails the same way, so the job stops. */
export function isFatalModelError(error) {
    return error instanceof AimlApiError && error.kind === "http" && (error.status === 401 || error.status === 403);
}
/**
 * Whether a failed call is worth another attempt. A 2xx body that is not a Responses object is retried
 * too: a proxy that cut the body short is a transient fault, and the attempt budget bounds the cost.
 */
export function isRetryableModelError(error) {
    if (!(error instanceof AimlApiError))
        return false;
    return error.retryable || error.kind === "invalid_response";
}
/** Wait before attempt `attempt + 1` (attempt counts from 1). `random` is injectable for tests. */
export function retryDelayMs(policy, attempt, error, random = Math.random) {
    const hinted = error instanceof AimlApiError ? error.retryAfterMs : null;
    if (hinted !== null && hinted >= 0)
        return Math.min(hinted, policy.maxDelayMs);
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
