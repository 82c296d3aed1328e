import type { Logger } from "pino";
import type { AppEnv } from "../config/env.js";
import { createChunkReviewer, type ChunkReviewer } from "../llm/chunk-reviewer.js";
import { createFixChecker, type FixChecker } from "../llm/fix-checker.js";
import { createResponsesClient, type ResponsesClient } from "../llm/responses-client.js";
import { createThreadResponder, type ThreadResponder } from "../llm/thread-responder.js";

export const MISSING_AIMLAPI_KEY =
  "AIMLAPI_KEY is not set: reviews cannot call the model. Get a key at aimlapi.com and set AIMLAPI_KEY.";

/**
 * The model side of the app (one Responses client; the chunk reviewer and the thread responder on it),
 * configured from env; shared by the worker and the CLI. `wrapClient` adds instrumentation.
 */
export function createModelFromEnv(
  env: AppEnv,
  log: Logger,
  wrapClient: (client: ResponsesClient) => ResponsesClient = (client) => client,
): { reviewer: ChunkReviewer; responder: ThreadResponder; fixChecker: FixChecker | null } {
  if (!env.AIMLAPI_KEY) throw new Error(MISSING_AIMLAPI_KEY);
  const client = wrapClient(
    createResponsesClient({ baseUrl: env.AIMLAPI_BASE_URL, apiKey: env.AIMLAPI_KEY, model: env.CODEX_MODEL, timeoutMs: env.MODEL_TIMEOUT_MS }),
  );
  const options = {
    client,
    maxOutputTokens: env.MODEL_MAX_OUTPUT_TOKENS,
    outputTokensCeiling: outputTokensCeiling(env),
    reasoningEffort: env.MODEL_REASONING_EFFORT,
    retry: { maxAttempts: env.MODEL_MAX_ATTEMPTS, budgetMs: env.MODEL_RETRY_BUDGET_MS },
    log,
  };
  return {
    reviewer: createChunkReviewer(options),
    responder: createThreadResponder(options),
    fixChecker: env.REVIEW_RESOLVE_FIXED ? createFixChecker(options) : null,
  };
}

/** The ceiling of the one raise of `max_output_tokens` after a cut-off reply; never below the first call's cap. */
export function outputTokensCeiling(env: Pick<AppEnv, "MODEL_MAX_OUTPUT_TOKENS" | "MODEL_OUTPUT_TOKENS_CEILING">): number {
  const ceiling = env.MODEL_OUTPUT_TOKENS_CEILING ?? 2 * env.MODEL_MAX_OUTPUT_TOKENS;
  if (ceiling < env.MODEL_MAX_OUTPUT_TOKENS) {
    throw new Error(
      `MODEL_OUTPUT_TOKENS_CEILING (${ceiling}) is below MODEL_MAX_OUTPUT_TOKENS (${env.MODEL_MAX_OUTPUT_TOKENS}): set it to at least that, or unset it`,
    );
  }
  return ceiling;
}

/** The chunk reviewer alone (the CLI reviews; it answers no threads). */
export function createReviewerFromEnv(env: AppEnv, log: Logger): ChunkReviewer {
  return createModelFromEnv(env, log).reviewer;
}
