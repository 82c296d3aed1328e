import { createChunkReviewer } from "../llm/chunk-reviewer.js";
import { createResponsesClient } from "../llm/responses-client.js";
export const MISSING_AIMLAPI_KEY = "AIMLAPI_KEY is not set: reviews cannot call the model. Get a key at aimlapi.com and set AIMLAPI_KEY.";
/** The model side of a review (Responses client + chunk reviewer), configured from env; shared by the worker and the CLI. */
export function createReviewerFromEnv(env, log) {
    if (!env.AIMLAPI_KEY)
        throw new Error(MISSING_AIMLAPI_KEY);
    const client = createResponsesClient({
        baseUrl: env.AIMLAPI_BASE_URL,
        apiKey: env.AIMLAPI_KEY,
        model: env.CODEX_MODEL,
        timeoutMs: env.MODEL_TIMEOUT_MS,
    });
    return createChunkReviewer({
        client,
        maxOutputTokens: env.MODEL_MAX_OUTPUT_TOKENS,
        reasoningEffort: env.MODEL_REASONING_EFFORT,
        retry: { maxAttempts: env.MODEL_MAX_ATTEMPTS, budgetMs: env.MODEL_RETRY_BUDGET_MS },
        log,
    });
}
