import type { AppEnv } from "../config/env.js";
import type { ReviewSettings } from "../review/review-settings.js";

export function reviewSettingsFromEnv(env: AppEnv): ReviewSettings {
  return {
    chunkTokens: env.REVIEW_CHUNK_TOKENS,
    chunkConcurrency: env.REVIEW_CHUNK_CONCURRENCY,
    maxFiles: env.REVIEW_MAX_FILES,
    maxChunks: env.REVIEW_MAX_CHUNKS,
    maxInputTokens: env.REVIEW_MAX_INPUT_TOKENS,
    exclude: env.REVIEW_EXCLUDE ? env.REVIEW_EXCLUDE.split(",").map((glob) => glob.trim()).filter(Boolean) : [],
    include: [],
    severityThreshold: "P3",
    maxComments: 25,
    language: "English",
    instructions: "",
    pathInstructions: [],
    // The ceiling of every repository's `reasoning_effort`.
    reasoningEffort: env.MODEL_REASONING_EFFORT,
    model: env.CODEX_MODEL,
    context: {
      mode: env.REVIEW_CONTEXT_MODE,
      scopeLines: env.REVIEW_CONTEXT_LINES,
      toolRounds: env.REVIEW_TOOL_ROUNDS,
      toolOutputTokens: env.REVIEW_TOOL_OUTPUT_TOKENS,
    },
    checkFailOn: "never",
    summaryComment: true,
  };
}
