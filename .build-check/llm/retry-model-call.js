import { setTimeout as sleep } from "node:timers/promises";
import { AimlApiError } from "./aimlapi-error.js";
import { isRetryableModelError, retryDelayMs } from "./model-retry-policy.js";
/** The retry budget (`RetryPolicy.budgetMs`) ran out before a call succeeded. */
export class ModelBudgetExceededError extends Error {
    name = "ModelBudgetExceededError";
}
/**
 * Runs `call` until it succeeds, a failure is not retryable (`isRetryable`, by default the model
 * policy's), the attempts run out, or the time budget does. `call` gets a signal that aborts at the budget.
 */
export async function retryModelCall(call, runtime, context = {}, isRetryable = isRetryableModelError) {
    const { policy } = runtime;
    const wait = runtime.wait ?? ((ms) => sleep(ms));
    const now = runtime.now ?? Date.now;
    const deadline = now() + policy.budgetMs;
    const budget = AbortSignal.timeout(policy.budgetMs);
    const outOfBudget = (attempt, cause) => new ModelBudgetExceededError(`model retry budget of ${policy.budgetMs} ms used up after ${attempt} attempt(s)`, { cause });
    for (let attempt = 1;; attempt++) {
        try {
            return await call(budget, attempt);
        }
        catch (error) {
            if (budget.aborted)
                throw outOfBudget(attempt, error);
            if (!isRetryable(error) || attempt >= policy.maxAttempts)
                throw error;
            const delay = retryDelayMs(policy, attempt, error);
            if (now() + delay >= deadline)
                throw outOfBudget(attempt, error);
            runtime.log?.warn({ ...context, attempt, delayMs: delay, status: error instanceof AimlApiError ? error.status : null, err: error }, "Model call failed; retrying");
            await wait(delay);
        }
    }
}
