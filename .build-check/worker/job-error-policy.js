import { UnrecoverableError } from "bullmq";
import { httpStatusOf } from "../github/github-client.js";
/** GitHub answers that no retry can change: auth, permission, gone, invalid. */
const FINAL_GITHUB_STATUSES = new Set([400, 401, 404, 410, 422]);
/**
 * The one place that decides whether a failed review job is retried (BullMQ backoff) or stops.
 * `isFatalModelError` comes from the model client: a bad key or no credits never heals by retrying.
 */
export function toJobError(error, isFatalModelError) {
    const asError = error instanceof Error ? error : new Error(String(error));
    if (error instanceof UnrecoverableError)
        return error;
    if (isFatalModelError(error))
        return new UnrecoverableError(`Model API refused the review: ${asError.message}`);
    const status = httpStatusOf(error);
    if (status !== null && FINAL_GITHUB_STATUSES.has(status))
        return new UnrecoverableError(`GitHub answered ${status}: ${asError.message}`);
    if (status === 403 && !/rate limit/i.test(asError.message))
        return new UnrecoverableError(`GitHub answered 403: ${asError.message}`);
    return asError;
}
