import { setTimeout as sleep } from "node:timers/promises";
import { parseChunkReview, REVIEW_OUTPUT_JSON_SCHEMA } from "../review/findings-schema.js";
import { AimlApiError, isStructuredOutputRefusal } from "./aimlapi-error.js";
import { DEFAULT_RETRY_POLICY, isFatalModelError, isRetryableModelError, retryDelayMs } from "./model-retry-policy.js";
/** The model's answer was not the JSON we asked for; retried like a transient fault. */
export class UnusableModelOutputError extends Error {
    name = "UnusableModelOutputError";
}
/** The chunk's retry budget (`RetryPolicy.budgetMs`) ran out; the chunk is reported as not reviewed. */
export class ModelBudgetExceededError extends Error {
    name = "ModelBudgetExceededError";
}
const FORMAT_FALLBACKS = ["json_schema", "json_object", "text"];
export function createChunkReviewer(options) {
    const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    const wait = options.wait ?? ((ms) => sleep(ms));
    const now = options.now ?? Date.now;
    // Shared by all chunks: once the endpoint refuses a format, later chunks start at the next one.
    let formatIndex = 0;
    const callOnce = async (prompt, usage, reasoningEffort, signal) => {
        for (;;) {
            const format = FORMAT_FALLBACKS[formatIndex] ?? "text";
            try {
                const result = await options.client.create({
                    instructions: prompt.instructions,
                    input: prompt.input,
                    maxOutputTokens: options.maxOutputTokens,
                    reasoningEffort,
                    format,
                    ...(format === "json_schema" ? { schema: REVIEW_OUTPUT_JSON_SCHEMA, schemaName: "code_review" } : {}),
                    signal,
                });
                usage.inputTokens += result.usage.inputTokens;
                usage.outputTokens += result.usage.outputTokens;
                usage.usdSpent += result.usage.usdSpent;
                const parsed = parseChunkReview(result.text);
                if (parsed.ok)
                    return parsed.review;
                const why = result.status === "incomplete" ? `output cut short (${result.incompleteReason ?? "unknown reason"})` : parsed.error;
                throw new UnusableModelOutputError(`The model's output is not a valid review: ${why}`);
            }
            catch (error) {
                if (isStructuredOutputRefusal(error) && formatIndex < FORMAT_FALLBACKS.length - 1) {
                    formatIndex++;
                    options.log?.warn({ format: FORMAT_FALLBACKS[formatIndex] }, "Endpoint refused the output format; falling back");
                    continue;
                }
                throw error;
            }
        }
    };
    return {
        isFatal: isFatalModelError,
        async reviewChunk(prompt, { chunkIndex, reasoningEffort }) {
            const usage = { inputTokens: 0, outputTokens: 0, usdSpent: 0 };
            // The budget bounds the chunk's total time, however many attempts and Retry-After waits it takes.
            const deadline = now() + policy.budgetMs;
            const budget = AbortSignal.timeout(policy.budgetMs);
            const outOfBudget = (attempt, cause) => new ModelBudgetExceededError(`model retry budget of ${policy.budgetMs} ms used up after ${attempt} attempt(s)`, { cause });
            for (let attempt = 1;; attempt++) {
                try {
                    return { review: await callOnce(prompt, usage, reasoningEffort ?? options.reasoningEffort, budget), usage };
                }
                catch (error) {
                    if (budget.aborted)
                        throw outOfBudget(attempt, error);
                    const retryable = isRetryableModelError(error) || error instanceof UnusableModelOutputError;
                    if (!retryable || attempt >= policy.maxAttempts)
                        throw error;
                    const delay = retryDelayMs(policy, attempt, error);
                    if (now() + delay >= deadline)
                        throw outOfBudget(attempt, error);
                    options.log?.warn({ chunk: chunkIndex, attempt, delayMs: delay, status: error instanceof AimlApiError ? error.status : null, err: error }, "Model call failed; retrying");
                    await wait(delay);
                }
            }
        },
    };
}
